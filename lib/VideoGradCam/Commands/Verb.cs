using VideoGradCam.Runtime;

namespace VideoGradCam.Commands;

/// <summary>
/// One option of a verb as <c>--help</c> shows it: its name (without dashes), what it does, the value's name, and its
/// default: a value per profile (<see cref="Default"/>, what the verb reads when the option is absent) or, when the
/// default is worked out from other options, words (<see cref="DefaultText"/>).
/// </summary>
public sealed record VerbOption(string Name, string Description, string ValueName = "VALUE")
{
    public bool IsFlag { get; init; }
    public bool IsRequired { get; init; }
    public Func<Profile, string>? Default { get; init; }
    public string? DefaultText { get; init; }

    /// <summary>The default as help shows it: one value, or "quick X, full Y" when the profiles differ.</summary>
    public string? HelpDefault()
    {
        if (DefaultText is not null) return DefaultText;
        if (Default is null) return null;
        string quick = Default(Profile.Quick), full = Default(Profile.Full);
        return quick == full ? quick : $"quick {quick}, full {full}";
    }
}

/// <summary>Short ways to declare a verb's options.</summary>
public static class Opt
{
    public static VerbOption Required(string name, string description, string valueName = "VALUE") =>
        new(name, description, valueName) { IsRequired = true };

    public static VerbOption Flag(string name, string description) => new(name, description) { IsFlag = true };

    public static VerbOption Value(string name, string description, string valueName, string? defaultValue) =>
        new(name, description, valueName) { Default = defaultValue is null ? null : _ => defaultValue };

    public static VerbOption Value(string name, string description, string valueName,
        Func<Profile, object> perProfile) =>
        new(name, description, valueName) { Default = p => Format(perProfile(p)) };

    /// <summary>An option whose default the verb works out (e.g. from the input's name); said in words in the
    /// help.</summary>
    public static VerbOption Computed(string name, string description, string valueName, string defaultText) =>
        new(name, description, valueName) { DefaultText = defaultText };

    /// <summary>--profile, which every verb that trains or generates data takes.</summary>
    public static VerbOption Profile => Value("profile", "quick (minutes on 2 cores) or full (the real figures); " +
        $"else ${Profiles.EnvironmentVariable}", "quick|full", _ => Profiles.FromEnvironment().Name());

    static string Format(object value) => value switch
    {
        double d => d.ToString("G", System.Globalization.CultureInfo.InvariantCulture),
        float f => f.ToString("G", System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

/// <summary>One verb of <c>./workspace</c>: its name, a one-line summary, its options and positional arguments, and
/// what it runs.</summary>
/// <param name="Arguments">positional arguments, in order: (name, description).</param>
public sealed record Verb(string Name, string Summary, IReadOnlyList<VerbOption> Options, Func<Args, int> Run,
    IReadOnlyList<(string Name, string Description)>? Arguments = null)
{
    public IReadOnlyList<(string Name, string Description)> Positionals => Arguments ?? [];
}
