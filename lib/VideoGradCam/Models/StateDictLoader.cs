using VideoGradCam.Runtime;
using TorchSharp;
using TorchSharp.PyBridge;
using VideoGradCam.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Models;

/// <summary>Which state_dict keys a file lacks and which it has in excess, compared with a module.</summary>
public sealed record KeyMismatch(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected,
    IReadOnlyList<string> WrongShape)
{
    public bool IsEmpty => Missing.Count == 0 && Unexpected.Count == 0 && WrongShape.Count == 0;

    public static KeyMismatch Compare(IReadOnlyDictionary<string, long[]> expected,
        IReadOnlyDictionary<string, long[]> found) => new(
        expected.Keys.Where(k => !found.ContainsKey(k)).Order(StringComparer.Ordinal).ToList(),
        found.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToList(),
        expected.Keys.Where(k => found.TryGetValue(k, out var s) && !s.SequenceEqual(expected[k]))
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k} (model [{string.Join(",", expected[k])}], file [{string.Join(",", found[k])}])")
                .ToList());

    /// <summary>Every key that differs, listed in full (for <c>--verbose</c>).</summary>
    public string Describe(int max = int.MaxValue)
    {
        static string List(IReadOnlyList<string> keys, int max) =>
            keys.Count == 0 ? "none" : string.Join(", ", keys.Take(max))
                + (keys.Count > max ? $", ... ({keys.Count} in all)" : "");
        return $"missing keys: {List(Missing, max)}; unexpected keys: {List(Unexpected, max)}; wrong shapes: " +
               $"{List(WrongShape, max)}";
    }

    /// <summary>One short line: how many keys differ of each kind, the first few of each.</summary>
    public string Summary(int first = 3)
    {
        static string Part(string kind, IReadOnlyList<string> keys, int first) =>
            keys.Count == 0 ? null!
                : $"{keys.Count} {kind} ({string.Join(", ", keys.Take(first))}{(keys.Count > first ? ", ..." : "")})";
        return string.Join("; ", new[] { Part("missing", Missing, first), Part("unexpected", Unexpected, first),
            Part("with the wrong shape", WrongShape, first) }.Where(p => p is not null));
    }
}

/// <summary>
/// Loads a PyTorch state_dict file (<c>torch.save(model.state_dict(), path)</c>, zip format; e.g. torchvision's
/// <c>r3d_18-b3b3357e.pth</c> or <c>resnet18-f37072fd.pth</c>) into a module (read by <see cref="TorchZipReader"/>).
/// A dict that wraps the weights under <c>state_dict</c> or <c>model</c> is unwrapped. Keys must match exactly
/// (strict): a mismatch throws <see cref="InvalidDataException"/> naming the file and listing missing and unexpected
/// keys.
/// </summary>
public static class StateDictLoader
{
    /// <summary>The module's keys and shapes (parameters and buffers, as in PyTorch's state_dict).</summary>
    public static Dictionary<string, long[]> Shapes(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

    /// <summary>Reads a PyTorch state_dict file into tensors (the caller disposes them). Refuses, with the reason: an
    /// empty file, a file that is not a zip archive (the legacy format is named), a pickle that asks to run code,
    /// entries that are not tensors.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file not found: {path}", path);
        var head = new byte[4];
        int read;
        using (var f = File.OpenRead(path)) read = f.ReadAtLeast(head, 4, throwOnEndOfStream: false);
        if (read == 0) throw new InvalidDataException(
            $"{path}: empty file (0 bytes): the download or copy did not finish.");
        if (read < 4 || head[0] != (byte)'P' || head[1] != (byte)'K')
            throw new InvalidDataException(head[0] == 0x80
                ? $"{path}: a PyTorch file in the legacy (non-zip) format; re-save it in Python with " +
                  "torch.save(torch.load(path), new_path) (PyTorch 1.6 or later)."
                : $"{path}: not a PyTorch weights file (torch.save writes a zip archive; this file is not one).");
        object? root;
        try
        {
            root = TorchZipReader.Read(path);
        }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            var reason = e.Message.Split('\n')[0];
            if (reason.StartsWith("refused:", StringComparison.Ordinal))
                throw new InvalidDataException($"{path}: {reason}", e);
            throw new InvalidDataException(
                $"{path}: a zip archive but not a readable PyTorch state_dict (truncated, or not written by " +
                $"torch.save): {reason}",
                e);
        }
        var table = root as Dictionary<object, object?>;
        foreach (var wrapper in new[] { "state_dict", "model", "model_state_dict" })
            if (table?.GetValueOrDefault(wrapper) is Dictionary<object, object?> inner) { table = inner; break; }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        bool complete = false;
        try
        {
            if (table is null)
                throw new InvalidDataException($"{path}: holds a {root?.GetType().Name ?? "None"}, not a state_dict.");
            foreach (var (key, value) in table)
            {
                if (key is not string name || value is not Tensor t)
                    throw new InvalidDataException($"{path}: entry '{key}' is not a tensor " +
                                                   $"({value?.GetType().Name ?? "null"}); expected a state_dict.");
                result[name] = t;
            }
            complete = true;
        }
        finally
        {
            // by reference: Tensor.Equals compares values; what is not kept is e.g. a wrapper's optimizer state
            var kept = new HashSet<Tensor>(complete ? result.Values : [], ReferenceEqualityComparer.Instance);
            foreach (var t in TensorsIn(root).Where(t => !kept.Contains(t))) t.Dispose();
        }
        return result;
    }

    /// <summary>Every tensor in an unpickled object (in dicts, lists and tuples).</summary>
    static IEnumerable<Tensor> TensorsIn(object? value) => value switch
    {
        Tensor t => [t],
        Dictionary<object, object?> d => d.Values.SelectMany(TensorsIn),
        IEnumerable<object?> items => items.SelectMany(TensorsIn),
        _ => [],
    };

    /// <summary>Loads <paramref name="path"/> into <paramref name="module"/>, strict; keys in <paramref name="ignore"/>
    /// (e.g. <c>fc.weight</c>, <c>fc.bias</c> for a backbone) are dropped from the file first. Weights that are not
    /// all finite are refused with a <see cref="NonFiniteException"/> naming the file and the first such key.
    /// Half-precision tensors are widened to the model's float32, and the line that says so
    /// (<see cref="WidenedNote"/>) is written to the console's error stream and returned (null: nothing widened).
    /// </summary>
    public static string? Load(nn.Module module, string path, IEnumerable<string>? ignore = null)
    {
        var weights = Read(path);
        try
        {
            foreach (var k in ignore ?? []) weights.Remove(k);
            if (FiniteCheck.FirstNonFinite(weights) is { } key) throw NonFiniteException.InWeights(path, key);
            LoadTensors(module, weights, path);
            var note = WidenedNote(weights, path);
            if (note is not null) Console.Error.WriteLine(note);
            return note;
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>Copies <paramref name="weights"/> into <paramref name="module"/> after checking keys and shapes. Keys
    /// that all carry DataParallel's <c>module.</c> prefix are read without it. A mismatch fails with a summary and a
    /// hint (the architecture the file looks like); the full key lists are in the exception's
    /// <c>Data["details"]</c>.</summary>
    public static void LoadTensors(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var expected = Shapes(module);
        if (weights.Count > 0 && weights.Keys.All(k => k.StartsWith(DataParallelPrefix, StringComparison.Ordinal))
            && weights.Keys.Any(k => expected.ContainsKey(k[DataParallelPrefix.Length..])))
            weights = weights.ToDictionary(kv => kv.Key[DataParallelPrefix.Length..], kv => kv.Value);
        var mismatch = KeyMismatch.Compare(expected, weights.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
        if (!mismatch.IsEmpty)
        {
            var hint = Hint(module, expected, weights.Keys.ToHashSet(StringComparer.Ordinal), mismatch);
            var e =
                new InvalidDataException(
                    $"{source}: its weights do not fit {module.GetName()}: {mismatch.Summary()}.{hint} (--verbose " +
                    "lists every key)");
            e.Data["details"] = mismatch.Describe();
            throw e;
        }
        using (no_grad())
            module.load_state_dict(weights.ToDictionary(kv => kv.Key, kv => kv.Value.contiguous()), strict: true);
    }

    /// <summary>One line saying that <paramref name="weights"/> hold float16 or bfloat16 tensors, which loading widens
    /// to float32; null when they hold none.</summary>
    public static string? WidenedNote(IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var half = weights.Values.Where(t => t.dtype is ScalarType.Float16 or ScalarType.BFloat16).ToList();
        if (half.Count == 0) return null;
        var kinds = string.Join(" and ",
            half.Select(t => t.dtype == ScalarType.Float16 ? "float16" : "bfloat16").Distinct());
        return $"{source}: {half.Count} of its {weights.Count} tensors are {kinds}; widened to float32 to load them.";
    }

    const string DataParallelPrefix = "module.";

    /// <summary>What a mismatch probably means: the keys of another known architecture, or a width that
    /// differs.</summary>
    static string Hint(nn.Module module, Dictionary<string, long[]> expected, HashSet<string> found,
        KeyMismatch mismatch)
    {
        if (mismatch.Missing.Count == 0 && mismatch.Unexpected.Count == 0)
            return " Every key is there but some shapes differ: the file was trained with another width or number of " +
                   "classes.";
        foreach (var (name, keys) in KnownArchitectures())
        {
            // the module's own architecture
            if (keys.IsSubsetOf(expected.Keys)) continue;
            int shared = keys.Count(found.Contains);
            if (shared >= 0.9 * found.Count && shared >= 0.9 * keys.Count)
                return $" The keys are those of a {name} ({shared} of its {keys.Count} keys are in the file), not of " +
                       $"{module.GetName()}.";
        }
        return "";
    }

    /// <summary>The state_dict keys of the architectures the workspace knows (classifiers of the registry,
    /// torchvision's resnet18).</summary>
    static IEnumerable<(string Name, HashSet<string> Keys)> KnownArchitectures()
    {
        foreach (var entry in ModelRegistry.OfKind(ModelKind.VideoClassifier))
        {
            using var m = entry.Create!(new VideoModelConfig(entry.Name, 2, 4, 4, 4));
            yield return (entry.Name, m.state_dict().Keys.Where(k => !k.StartsWith("fc.", StringComparison.Ordinal)
                && !k.StartsWith("classifier.", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal));
        }
        using var resnet = new ResNet18(width: 4);
        yield return ("torchvision resnet18 (an image model)",
            resnet.state_dict().Keys.ToHashSet(StringComparer.Ordinal));
    }

    /// <summary>Saves the module's state_dict so that PyTorch's <c>torch.load</c> reads it
    /// (TorchSharp.PyBridge).</summary>
    public static void Save(nn.Module module, string path) =>
        Runtime.AtomicFile.Write(path, tmp => module.save_py(tmp));
}
