using System.Globalization;
using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>Thrown for bad command-line input: the CLI prints the message in one line and exits 2.</summary>
public sealed class UsageException(string message) : Exception(message);

/// <summary>
/// What a verb reads: the options the user gave (parsed by System.CommandLine, see <see cref="Cli"/>), else each
/// option's declared default for the profile (<see cref="VerbOption.Default"/>), and the positional arguments.
/// Conversions fail with a usage error that names the option.
/// </summary>
public sealed class Args
{
    readonly IReadOnlyDictionary<string, string?> _given;
    readonly IReadOnlyDictionary<string, VerbOption> _declared;
    readonly Profile _profile;
    public IReadOnlyList<string> Positionals { get; }

    /// <param name="given">option name (no dashes) -> the value given (null for a flag given without one).</param>
    public Args(IReadOnlyDictionary<string, string?> given, IReadOnlyList<string> positionals,
        IEnumerable<VerbOption>? declared = null, Profile? profile = null)
    {
        _given = given;
        Positionals = positionals;
        _declared = (declared ?? []).ToDictionary(o => o.Name);
        _profile = profile ?? Profiles.FromEnvironment();
    }

    /// <summary>Options given as tokens (<c>--name value</c>, <c>--name=value</c>, <c>--flag</c>) without declarations:
    /// for tests.</summary>
    public static Args FromTokens(IEnumerable<string> tokens)
    {
        var given = new Dictionary<string, string?>(StringComparer.Ordinal);
        var positionals = new List<string>();
        var list = tokens.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            var t = list[i];
            if (!t.StartsWith("--", StringComparison.Ordinal) || t.Length <= 2) { positionals.Add(t); continue; }
            var name = t[2..];
            string? value = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { value = name[(eq + 1)..]; name = name[..eq]; }
            else if (i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal)) value = list[++i];
            given[name] = value;
        }
        return new Args(given, positionals);
    }

    /// <summary>True when the user gave the option.</summary>
    public bool Has(string name) => _given.ContainsKey(name);

    public bool Flag(string name)
    {
        if (!_given.TryGetValue(name, out var v)) return false;
        return v is null || v is "true" or "1" or "yes" ? true
             : v is "false" or "0" or "no" ? false
             : throw new UsageException($"--{name} takes no value (got '{v}').");
    }

    /// <summary>True when the command line gave the option (not its default).</summary>
    public bool Given(string name) => _given.ContainsKey(name);

    /// <summary>The value given, else the declared default for the profile, else null.</summary>
    public string? Optional(string name)
    {
        if (_given.TryGetValue(name, out var v)) return v ?? throw new UsageException($"--{name} needs a value.");
        return _declared.TryGetValue(name, out var o) && o.Default is { } d ? d(_profile) : null;
    }

    public string String(string name, string fallback) => Optional(name) ?? fallback;

    public string Required(string name) => Optional(name) ?? throw new UsageException($"--{name} is required.");

    /// <summary>An integer option: the value given, else its declared default (which must exist).</summary>
    public int Int(string name) => ParseInt(name, Required(name));

    public int Int(string name, int fallback) => Optional(name) is { } s ? ParseInt(name, s) : fallback;

    public double Double(string name) => ParseDouble(name, Required(name));

    public double Double(string name, double fallback) => Optional(name) is { } s ? ParseDouble(name, s) : fallback;

    static int ParseInt(string name, string s) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v
        : throw new UsageException($"--{name} expects a whole number (got '{s}').");

    static double ParseDouble(string name, string s) =>
        double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v
        : throw new UsageException($"--{name} expects a number (got '{s}').");

    public string Positional(int index, string what) =>
        index < Positionals.Count ? Positionals[index] : throw new UsageException($"Missing {what}.");
}
