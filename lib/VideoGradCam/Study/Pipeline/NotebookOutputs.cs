using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using VideoGradCam.Plots;

namespace VideoGradCam.Study.Pipeline;

/// <summary>
/// The committed notebooks carry their outputs as a reader sees them, so that GitHub and VS Code show every figure and
/// number before anyone runs a cell: charts as images (PNG, or JPEG when that is much smaller), text and static HTML
/// as they are; scripts, and the bootstrap cell's package lists, are left out. Each code cell records the hash of the
/// source that made its outputs (<c>metadata.workspace.source</c>): <see cref="Stale"/> says when a cell changed
/// since, and a test fails on it.
/// </summary>
public static class NotebookOutputs
{
    /// <summary>The key of the workspace's cell and notebook metadata.</summary>
    public const string MetadataKey = "workspace";

    /// <summary>The most a committed notebook may weigh with its outputs.</summary>
    public const long MaxBytes = 2_000_000;

    /// <summary>An image this much larger as PNG than as JPEG is stored as JPEG (frames and maps; line charts stay
    /// PNG).</summary>
    const double JpegWhenSmallerBy = 2;

    static readonly JsonSerializerOptions Write = new()
    {
        WriteIndented = true, IndentSize = 1, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The hash a code cell's outputs are recorded under: its source's SHA-256, 16 hex digits.</summary>
    public static string SourceHash(string source) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(source.Replace("\r\n", "\n"))))[..16]
            .ToLowerInvariant();

    /// <summary>The hash of every cell's source of a notebook, outputs excluded: what a run of it depends on.</summary>
    public static string SourcesHash(string notebookPath) =>
        SourceHash(string.Join("\n\u0000", Cells(Load(notebookPath)).Select(c => $"{Type(c)}:{Source(c)}")));

    /// <summary>Why the committed outputs of <paramref name="notebookPath"/> do not belong to its cells (a code cell
    /// whose source changed since its outputs were made, or one without a recorded hash), or null when they all do or
    /// it has none.</summary>
    public static string? Stale(string notebookPath)
    {
        var code = Cells(Load(notebookPath)).Where(c => Type(c) == "code").ToList();
        if (!code.Any(c => c["outputs"] is JsonArray { Count: > 0 })) return null;
        for (int i = 0; i < code.Count; i++)
        {
            var recorded = code[i]["metadata"]?[MetadataKey]?["source"]?.GetValue<string>();
            if (recorded != SourceHash(Source(code[i])))
                return $"{Path.GetFileName(notebookPath)}: code cell {i + 1} " +
                       (recorded is null ? "has no record of the source that made the outputs"
                           : "changed since its outputs were made") +
                       ": run ./workspace notebooks --commit-outputs";
        }
        return null;
    }

    /// <summary>True when the notebook carries outputs.</summary>
    public static bool HasOutputs(string notebookPath) =>
        Cells(Load(notebookPath)).Any(c => c["outputs"] is JsonArray { Count: > 0 });

    /// <summary>Writes the outputs of <paramref name="executed"/> (a run of <paramref name="target"/>, the same cells)
    /// into <paramref name="target"/>, charts rendered to images in <paramref name="browser"/>; returns the bytes
    /// written. Refuses a run whose cells differ from the target's or that holds an error.</summary>
    public static async Task<long> CommitAsync(string executed, string target, HeadlessBrowser browser,
        string workFolder, string models)
    {
        var run = Load(executed);
        var notebook = Load(target);
        var runCells = Cells(run).ToList();
        var cells = Cells(notebook).ToList();
        if (runCells.Count != cells.Count || runCells.Zip(cells).Any(p => Source(p.First) != Source(p.Second)))
            throw new InvalidDataException($"{executed}: not a run of {target}'s current cells.");
        var charts = await RenderChartsAsync(runCells, browser, workFolder, Path.GetFileNameWithoutExtension(target));
        int chart = 0;
        for (int i = 0; i < cells.Count; i++)
        {
            if (Type(cells[i]) != "code") continue;
            var outputs = new JsonArray();
            bool bootstrap = Source(cells[i]).Contains("#!import bootstrap.dib", StringComparison.Ordinal);
            foreach (var output in runCells[i]["outputs"]?.AsArray() ?? [])
            {
                if (output!["output_type"]?.GetValue<string>() == "error")
                    throw new InvalidDataException($"{executed}: code cell {i + 1} failed; no outputs were committed.");
                if (IsChart(output)) { var image = charts[chart++]; if (!bootstrap) outputs.Add(image); continue; }
                if (Readable(output, bootstrap) is { } kept) outputs.Add(kept);
            }
            cells[i]["outputs"] = outputs;
            cells[i]["execution_count"] = runCells[i]["execution_count"]?.DeepClone();
            var metadata = cells[i]["metadata"] as JsonObject ?? new JsonObject();
            metadata[MetadataKey] = new JsonObject { ["source"] = SourceHash(Source(cells[i])) };
            cells[i]["metadata"] = metadata;
        }
        var notebookMetadata = notebook["metadata"] as JsonObject ?? new JsonObject();
        notebookMetadata[MetadataKey] = new JsonObject
        {
            ["outputs"] = $"made by ./workspace notebooks --commit-outputs with the {models} models",
        };
        notebook["metadata"] = notebookMetadata;
        var text = notebook.ToJsonString(Write) + "\n";
        Runtime.AtomicFile.WriteAllText(target, text);
        return Encoding.UTF8.GetByteCount(text);
    }

    /// <summary>An output as committed: text, markdown, images and static HTML as they are (display metadata and
    /// transient ids dropped); HTML with a script becomes its plain text, or nothing. The bootstrap cell keeps only its
    /// printed text.</summary>
    static JsonNode? Readable(JsonNode output, bool bootstrap)
    {
        var type = output["output_type"]!.GetValue<string>();
        if (type == "stream")
            return new JsonObject
            {
                ["output_type"] = "stream", ["name"] = output["name"]?.DeepClone(),
                ["text"] = output["text"]?.DeepClone(),
            };
        if (bootstrap || output["data"] is not JsonObject data) return null;
        var kept = new JsonObject();
        foreach (var (mime, value) in data)
        {
            bool keep = mime switch
            {
                "text/plain" or "text/markdown" or "image/png" or "image/jpeg" => true,
                "text/html" => !Text(value).Contains("<script", StringComparison.OrdinalIgnoreCase),
                _ => false,
            };
            if (keep) kept[mime] = value?.DeepClone();
        }
        if (kept.Count == 0) return null;
        var result = new JsonObject { ["output_type"] = type, ["data"] = kept, ["metadata"] = new JsonObject() };
        if (type == "execute_result") result["execution_count"] = output["execution_count"]?.DeepClone();
        return result;
    }

    static bool IsChart(JsonNode output) => output["data"]?["text/html"] is { } html
        && Text(html).Contains("class=\"wsplot\"", StringComparison.Ordinal);

    /// <summary>Every chart output of a run as an image output, in order: the charts are drawn on one offline page
    /// (plotly.js once) at a notebook column's width, and each is captured.</summary>
    static async Task<List<JsonNode>> RenderChartsAsync(List<JsonNode> cells, HeadlessBrowser browser,
        string workFolder, string name)
    {
        var chartHtml = cells.Where(c => Type(c) == "code")
            .SelectMany(c => c["outputs"]?.AsArray() ?? []).Where(o => IsChart(o!))
            .Select(o => Text(o!["data"]!["text/html"]!)).ToList();
        if (chartHtml.Count == 0) return [];
        Directory.CreateDirectory(workFolder);
        var page = Path.Combine(workFolder, $"{name}-charts.html");
        var body = string.Join("\n", chartHtml.Select(h => $"<div>{StripLibrary(h)}</div>"));
        File.WriteAllText(page, "<!doctype html><html><head><meta charset=\"utf-8\">" +
            $"{NotebookChartHtml.LibraryScript}" +
            $"</head><body style=\"margin:0;width:{ColumnWidth}px\">{body}</body></html>");
        var files = await browser.ScreenshotPlotsAsync(page, workFolder, name, ColumnWidth, scale: 1);
        if (files.Count != chartHtml.Count)
            throw new InvalidDataException($"{page}: {files.Count} charts drawn of {chartHtml.Count}.");
        return files.Select(ImageOutput).ToList();
    }

    /// <summary>The width charts are drawn at: a notebook column in VS Code and on GitHub.</summary>
    const int ColumnWidth = 960;

    static string StripLibrary(string html)
    {
        int at = html.IndexOf("<div id=\"wsplot-", StringComparison.Ordinal);
        return at > 0 ? html[at..] : html;
    }

    static JsonNode ImageOutput(string png)
    {
        var bytes = File.ReadAllBytes(png);
        var (mime, data) = ("image/png", bytes);
        using (var image = OpenCvSharp.Cv2.ImRead(png))
        {
            OpenCvSharp.Cv2.ImEncode(".jpg", image, out var jpeg,
                new OpenCvSharp.ImageEncodingParam(OpenCvSharp.ImwriteFlags.JpegQuality, 80));
            if (jpeg.Length * JpegWhenSmallerBy < bytes.Length) (mime, data) = ("image/jpeg", jpeg);
        }
        return new JsonObject
        {
            ["output_type"] = "display_data",
            ["data"] = new JsonObject { [mime] = Convert.ToBase64String(data), ["text/plain"] = "<chart>" },
            ["metadata"] = new JsonObject(),
        };
    }

    static JsonNode Load(string path)
    {
        try { return JsonNode.Parse(File.ReadAllText(path))!; }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a notebook ({e.Message}).", e); }
    }

    static IEnumerable<JsonNode> Cells(JsonNode notebook) =>
        notebook["cells"]?.AsArray().Select(c => c!) ?? throw new InvalidDataException("A notebook without cells.");

    static string Type(JsonNode cell) => cell["cell_type"]?.GetValue<string>() ?? "";

    static string Source(JsonNode cell) => Text(cell["source"]);

    /// <summary>A notebook string field: one string, or a list of lines.</summary>
    static string Text(JsonNode? node) => node switch
    {
        JsonArray lines => string.Concat(lines.Select(l => l?.GetValue<string>())),
        JsonValue v => v.GetValue<string>(),
        _ => "",
    };
}
