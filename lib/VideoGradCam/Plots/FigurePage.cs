using System.Net;
using System.Reflection;
using System.Text;
using Plotly.NET;
using VideoGradCam.Runtime;

namespace VideoGradCam.Plots;

/// <summary>
/// Offline HTML for Plotly figures: plotly.js (embedded in Plotly.NET as a resource) is inlined once per page,
/// never fetched from a CDN, so pages open without a network. Each figure is a div with class "wsplot".
/// </summary>
public sealed class FigurePage(string title)
{
    readonly List<string> _parts = [];
    int _figures;

    public FigurePage Heading(string text, int level = 2)
    {
        _parts.Add($"<h{level}>{WebUtility.HtmlEncode(text)}</h{level}>");
        return this;
    }

    public FigurePage Paragraph(string text)
    {
        _parts.Add($"<p>{WebUtility.HtmlEncode(text)}</p>");
        return this;
    }

    /// <summary>Raw HTML (tables, images); the caller is responsible for encoding.</summary>
    public FigurePage Html(string html)
    {
        _parts.Add(html);
        return this;
    }

    public FigurePage Figure(GenericChart chart, string? caption = null)
    {
        var id = $"plot{_figures++}";
        var json = GenericChart.toFigureJson(chart);
        _parts.Add($"<figure><div id=\"{id}\" class=\"wsplot\"></div>" +
                   (caption is null ? "" : $"<figcaption>{WebUtility.HtmlEncode(caption)}</figcaption>") +
                   $"<script>(function(){{var " +
                   $"f={json};Plotly.newPlot('{id}',f.data,f.layout,{{responsive:true}});}})();</script></figure>");
        return this;
    }

    public string ToHtml()
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(title))
            .Append("</title>");
        sb.Append("<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}")
          .Append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
          .Append(
              "figure{margin:1em " +
              "0}figcaption{color:#555;font-size:90%}.wsplot{width:max-content;max-width:none}</style>");
        sb.Append("<script>").Append(PlotlyJavaScript).Append("</script></head><body>");
        sb.Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>");
        foreach (var p in _parts) sb.Append(p).Append('\n');
        sb.Append("</body></html>");
        return sb.ToString();
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, ToHtml());

    /// <summary>The page as <c>artifacts/figures/NAME.html</c>, where notebooks and the CLI keep their offline figures;
    /// returns the path.</summary>
    public string SaveToFigures(string name)
    {
        var path = Path.Combine(WorkspacePaths.Artifacts(), "figures", name + ".html");
        Save(path);
        return path;
    }

    /// <summary>Charts as one offline page <c>artifacts/figures/NAME.html</c>; returns the path.</summary>
    public static string SaveFigures(string name, string title, params GenericChart[] charts)
    {
        var page = new FigurePage(title);
        foreach (var chart in charts) page.Figure(chart);
        return page.SaveToFigures(name);
    }

    /// <summary>One figure as a standalone offline page.</summary>
    public static void SaveFigure(GenericChart chart, string path, string title) =>
        new FigurePage(title).Figure(chart).Save(path);

    /// <summary>plotly.js as embedded in Plotly.NET, safe to put inside a script element.</summary>
    public static string PlotlyJavaScript => PlotlyJs.Value;

    static readonly Lazy<string> PlotlyJs = new(() =>
    {
        var asm = typeof(GenericChart).Assembly;
        var name = asm.GetManifestResourceNames()
            .First(n => n.EndsWith(".min.js", StringComparison.Ordinal) && n.Contains("plotly"));
        using var s = asm.GetManifestResourceStream(name)!;
        // "</script" inside the library would close the tag early.
        return new StreamReader(s).ReadToEnd().Replace("</script", "<\\/script");
    });
}
