using System.Globalization;
using System.Net;
using System.Text;
using VideoGradCam.Runtime;

namespace VideoGradCam.Plots;

/// <summary>
/// The index of a dataset-scale <c>explain --data</c> run: one row per video (thumbnail, class, prediction, explained
/// class and its probability) linking to the video's page; a click on a column header sorts by it. Offline, no script
/// library.
/// </summary>
public static class ExplanationIndexPage
{
    /// <summary>One explained video.</summary>
    /// <param name="Page">the video's page, relative to the index.</param>
    /// <param name="Thumbnail">its thumbnail image, relative to the index (null: none).</param>
    public sealed record Row(string Video, string Class, string Predicted, string Target, double TargetProbability,
        string Page, string? Thumbnail);

    /// <param name="note">a line under the title (e.g. which outputs were written), or null.</param>
    public static void Write(string path, string title, IReadOnlyList<Row> rows, string? note = null) =>
        AtomicFile.WriteAllText(path, Html(title, rows, note));

    public static string Html(string title, IReadOnlyList<Row> rows, string? note = null)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        int correct = rows.Count(r => r.Class == r.Predicted);
        var sb = new StringBuilder();
        sb.Append($"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{E(title)}</title><style>")
          .Append(
              "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid " +
              "#ccc;padding:4px 8px}")
          .Append(
              "th{cursor:pointer;background:#f4f4f4}td.n{text-align:right}" +
              "img{width:160px;image-rendering:pixelated}.wrong{background:#fdecea}</style></head><body>")
          .Append(
              $"<h1>{E(title)}</h1><p>{rows.Count} videos; predicted class = true class for {correct} " +
              $"({(rows.Count == 0 ? 0 : 100.0 * correct / rows.Count):0.0}%). ")
          .Append("Click a column to sort; a row opens the video's explanation (figure, video, frames).</p>")
          .Append(note is null ? "" : $"<p>{E(note)}</p>")
          .Append(
              "<table id=\"videos\"><thead><tr><th>thumbnail</th><th>video</th><th>class</th><th>predicted</th><th>" +
              "explained for</th><th>probability</th></tr></thead><tbody>");
        foreach (var r in rows)
            sb.Append(
                $"<tr class=\"{(r.Class == r.Predicted ? "" : "wrong")}\"><td>" +
                $"{(r.Thumbnail is null ? ""
                    : $"<a href=\"{E(r.Page)}\"><img src=\"{E(r.Thumbnail)}\" alt=\"{E(r.Video)}\"></a>")}</td>")
              .Append(
                  $"<td><a href=\"{E(r.Page)}\">{E(r.Video)}</a></td><td>{E(r.Class)}</td><td>{E(r.Predicted)}</td>" +
                  $"<td>{E(r.Target)}</td>")
              .Append(
                  "<td class=\"n\" " +
                  $"data-v=\"{r.TargetProbability.ToString("R", CultureInfo.InvariantCulture)}\">" +
                  $"{r.TargetProbability.ToString("0.000", CultureInfo.InvariantCulture)}</td></tr>");
        sb.Append("</tbody></table><script>")
          .Append(
              "document.querySelectorAll('#videos th').forEach(function(th,i){var " +
              "up=true;th.addEventListener('click',function(){")
          .Append("var body=document.querySelector('#videos tbody');var rows=Array.from(body.rows);")
          .Append(
              "function key(r){var c=r.cells[i];return c.dataset.v!==undefined?parseFloat(c.dataset.v):c.textContent;}")
          .Append(
              "rows.sort(function(a,b){var x=key(a),y=key(b);return " +
              "(x<y?-1:x>y?1:0)*(up?1:-1);});up=!up;rows.forEach(function(r){body.appendChild(r);});});});")
          .Append("</script></body></html>");
        return sb.ToString();
    }
}
