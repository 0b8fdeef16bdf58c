using System.Globalization;

namespace VideoGradCam.Study.Pipeline;

/// <summary>A named number a claim's rule compares a measurement with, e.g. <c>new Threshold("AUC", 0.7)</c>. The name
/// says, in the rule's sentence, what is compared (a measured quantity, or its ratio to a reference).</summary>
public sealed record Threshold(string Name, double Value)
{
    /// <summary>The value as the rule's sentence writes it (invariant culture, at most three decimals).</summary>
    public string Text => Value.ToString("0.###", CultureInfo.InvariantCulture);
}
