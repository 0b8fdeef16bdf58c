using System.Collections;
using TorchSharp;
using TorchSharp.PyBridge;
using static TorchSharp.torch;

namespace VideoGradCam.Models;

/// <summary>Which state_dict keys a file lacks and which it has in excess, compared with a module.</summary>
public sealed record KeyMismatch(IReadOnlyList<string> Missing, IReadOnlyList<string> Unexpected, IReadOnlyList<string> WrongShape)
{
    public bool IsEmpty => Missing.Count == 0 && Unexpected.Count == 0 && WrongShape.Count == 0;

    public static KeyMismatch Compare(IReadOnlyDictionary<string, long[]> expected, IReadOnlyDictionary<string, long[]> found) => new(
        expected.Keys.Where(k => !found.ContainsKey(k)).Order(StringComparer.Ordinal).ToList(),
        found.Keys.Where(k => !expected.ContainsKey(k)).Order(StringComparer.Ordinal).ToList(),
        expected.Keys.Where(k => found.TryGetValue(k, out var s) && !s.SequenceEqual(expected[k]))
            .Order(StringComparer.Ordinal)
            .Select(k => $"{k} (model [{string.Join(",", expected[k])}], file [{string.Join(",", found[k])}])").ToList());

    public string Describe(int max = 500)
    {
        static string List(IReadOnlyList<string> keys, int max) =>
            keys.Count == 0 ? "none" : string.Join(", ", keys.Take(max)) + (keys.Count > max ? $", ... ({keys.Count} in all)" : "");
        return $"missing keys: {List(Missing, max)}; unexpected keys: {List(Unexpected, max)}; wrong shapes: {List(WrongShape, max)}";
    }
}

/// <summary>
/// Loads a PyTorch state_dict file (<c>torch.save(model.state_dict(), path)</c>, zip format; e.g. torchvision's
/// <c>r3d_18-b3b3357e.pth</c> or <c>resnet18-f37072fd.pth</c>) into a module through TorchSharp.PyBridge. A dict that
/// wraps the weights under <c>state_dict</c> or <c>model</c> is unwrapped. Keys must match exactly (strict): a
/// mismatch throws <see cref="InvalidDataException"/> naming the file and listing missing and unexpected keys.
/// </summary>
public static class StateDictLoader
{
    /// <summary>The module's keys and shapes (parameters and buffers, as in PyTorch's state_dict).</summary>
    public static Dictionary<string, long[]> Shapes(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);

    /// <summary>Reads a PyTorch state_dict file into tensors (the caller disposes them).</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights file not found: {path}", path);
        Hashtable table;
        try
        {
            using var stream = File.OpenRead(path);
            table = PyTorchUnpickler.UnpickleStateDict(stream);
        }
        catch (Exception e) when (e is not FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: not a PyTorch state_dict saved with torch.save (zip format): {e.Message}", e);
        }
        foreach (var wrapper in new[] { "state_dict", "model", "model_state_dict" })
            if (table[wrapper] is Hashtable inner) { table = inner; break; }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (DictionaryEntry e in table)
        {
            if (e.Value is not Tensor t)
                throw new InvalidDataException($"{path}: entry '{e.Key}' is not a tensor ({e.Value?.GetType().Name ?? "null"}); expected a state_dict.");
            result[(string)e.Key] = t;
        }
        return result;
    }

    /// <summary>Loads <paramref name="path"/> into <paramref name="module"/>, strict; keys in <paramref name="ignore"/>
    /// (e.g. <c>fc.weight</c>, <c>fc.bias</c> for a backbone) are dropped from the file first.</summary>
    public static void Load(nn.Module module, string path, IEnumerable<string>? ignore = null)
    {
        var weights = Read(path);
        try
        {
            foreach (var k in ignore ?? []) weights.Remove(k);
            LoadTensors(module, weights, path);
        }
        finally
        {
            foreach (var t in weights.Values) t.Dispose();
        }
    }

    /// <summary>Copies <paramref name="weights"/> into <paramref name="module"/> after checking keys and shapes.</summary>
    public static void LoadTensors(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, string source)
    {
        var mismatch = KeyMismatch.Compare(Shapes(module), weights.ToDictionary(kv => kv.Key, kv => kv.Value.shape));
        if (!mismatch.IsEmpty)
            throw new InvalidDataException($"{source}: its weights do not fit {module.GetName()}: {mismatch.Describe()}.");
        module.load_state_dict(weights.ToDictionary(kv => kv.Key, kv => kv.Value), strict: true);
    }

    /// <summary>Saves the module's state_dict so that PyTorch's <c>torch.load</c> reads it (TorchSharp.PyBridge).</summary>
    public static void Save(nn.Module module, string path) =>
        Runtime.AtomicFile.Write(path, tmp => module.save_py(tmp));
}
