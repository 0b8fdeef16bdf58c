using System.Globalization;

namespace VideoGradCam.Commands;

/// <summary>Thrown for bad command-line input: the CLI prints the message and the verb's usage, exits 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// A verb's arguments: positionals and <c>--name value</c> / <c>--flag</c> options. Every option a verb reads is
/// recorded, so options nobody read are reported as unknown (<see cref="EnsureAllUsed"/>).
/// </summary>
public sealed class Args
{
    readonly Dictionary<string, string?> _options = new(StringComparer.Ordinal);
    readonly HashSet<string> _used = new(StringComparer.Ordinal);
    public IReadOnlyList<string> Positionals { get; }

    public Args(IEnumerable<string> tokens)
    {
        var positionals = new List<string>();
        var list = tokens.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var t = list[i];
            if (t.StartsWith("--", StringComparison.Ordinal) && t.Length > 2)
            {
                var name = t[2..];
                string? value = null;
                int eq = name.IndexOf('=');
                if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
                else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
                _options[name] = value;
            }
            else positionals.Add(t);
        }
        Positionals = positionals;
    }

    public bool Has(string name) { _used.Add(name); return _options.ContainsKey(name); }

    public bool Flag(string name)
    {
        _used.Add(name);
        if (!_options.TryGetValue(name, out var v)) return false;
        return v is null || v is "true" or "1" or "yes" ? true
             : v is "false" or "0" or "no" ? false
             : throw new UsageException($"--{name} takes no value (got '{v}').");
    }

    public string? Optional(string name)
    {
        _used.Add(name);
        if (!_options.TryGetValue(name, out var v)) return null;
        return v ?? throw new UsageException($"--{name} needs a value.");
    }

    public string String(string name, string fallback) => Optional(name) ?? fallback;

    public string Required(string name) => Optional(name) ?? throw new UsageException($"--{name} is required.");

    public int Int(string name, int fallback) => Optional(name) is { } s
        ? int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
          : throw new UsageException($"--{name} expects an integer (got '{s}').")
        : fallback;

    public double Double(string name, double fallback) => Optional(name) is { } s
        ? double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v
          : throw new UsageException($"--{name} expects a number (got '{s}').")
        : fallback;

    public string Positional(int index, string what) =>
        index < Positionals.Count ? Positionals[index] : throw new UsageException($"Missing {what}.");

    /// <summary>Fails on options that no code read (typos like --epoch for --epochs).</summary>
    public void EnsureAllUsed()
    {
        var unknown = _options.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0) throw new UsageException($"Unknown option(s): {string.Join(", ", unknown.Select(u => "--" + u))}.");
    }
}
