using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Plotly.NET;

namespace VideoGradCam.Plots;

/// <summary>
/// Charts as notebook cell outputs that draw offline: the first chart of a kernel session carries plotly.js
/// (embedded in Plotly.NET) once, every chart is a div plus a script that draws it when plotly.js is there. No CDN,
/// no requirejs: plotly.js is evaluated with <c>define</c>, <c>module</c> and <c>exports</c> hidden, so it sets
/// <c>window.Plotly</c> even on pages that load requirejs (Jupyter's HTML export does). The notebook bootstrap
/// registers <see cref="Html"/> as the formatter of every <see cref="GenericChart"/>, so every chart a cell shows is
/// also saved as an offline page in <c>artifacts/figures/</c>, named after its title (<see cref="FileName"/>): no cell
/// saves a figure itself.
/// </summary>
public sealed class NotebookChartHtml
{
    bool _libraryWritten;
    int _charts;
    readonly string _session = Guid.NewGuid().ToString("N")[..8];

    /// <summary>The HTML of one chart; the first call of this instance also carries plotly.js.</summary>
    public string Html(GenericChart chart)
    {
        var id = $"wsplot-{_session}-{_charts++}";
        var json = GenericChart.toFigureJson(chart);
        var title = Title(json);
        FigurePage.SaveFigures(FileName(title, _charts), title ?? "Figure", chart);
        var library = _libraryWritten ? "" : LibraryScript;
        _libraryWritten = true;
        return library +
               $"<div id=\"{id}\" class=\"wsplot\"></div>" +
               "<script>(function(){" +
               $"var f={json};" +
               "function draw(n){if(window.Plotly){window.Plotly.newPlot('" + id
                   + "',f.data,f.layout,{responsive:true});}" +
                   "else if(n<200){setTimeout(function(){draw(n+1);},50);}}" +
                   "draw(0);})();</script>";
    }

    /// <summary>The chart's title text (markup removed), or null when it has none.</summary>
    public static string? Title(string figureJson)
    {
        var title = JsonNode.Parse(figureJson)?["layout"]?["title"];
        var text = title is JsonObject o ? o["text"]?.GetValue<string>() : title?.GetValue<string>();
        if (string.IsNullOrWhiteSpace(text)) return null;
        return Regex.Replace(Regex.Replace(text, "<br\\s*/?>", " "), "<[^>]+>", "").Trim();
    }

    /// <summary>A file name (without extension) from a chart's title: lower case letters and digits joined by '-', at
    /// most 80 characters; <c>figure-N</c> for a chart without a title.</summary>
    public static string FileName(string? title, int index)
    {
        var slug = Regex.Replace((title ?? "").ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');
        if (slug.Length > 80) slug = slug[..80].TrimEnd('-');
        return slug.Length > 0 ? slug : $"figure-{index}";
    }

    /// <summary>plotly.js, set on window whatever module loader the page has.</summary>
    public static string LibraryScript =>
        "<script>(function(define,module,exports){" + FigurePage.PlotlyJavaScript + "\n}).call(window);</script>";
}
