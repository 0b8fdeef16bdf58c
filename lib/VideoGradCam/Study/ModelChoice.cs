using VideoGradCam.Runtime;

namespace VideoGradCam.Study;

/// <summary>
/// Which study models a notebook uses, chosen in one visible cell (<c>UseModels("shipped")</c>):
/// <list type="bullet">
/// <item>"shipped": the study's four models, trained once with the full profile and committed in
/// <c>data/study-models</c> (<see cref="ShippedModels"/>); nothing is trained;</item>
/// <item>"quick": small models trained here in minutes (what CI and the tests run);</item>
/// <item>"full": the full profile's recipe trained here (about 70 minutes for the four on 2 cores).</item>
/// </list>
/// A runner (<c>reproduce</c>, <c>notebooks</c>) sets <see cref="EnvironmentVariable"/> so that the notebooks it
/// executes use the models of its own run; the variable then wins over the cell, and the cell says so.
/// </summary>
public static class ModelChoice
{
    public const string Shipped = "shipped", Quick = "quick", Full = "full";

    /// <summary>Set by the runners; wins over the notebook's cell.</summary>
    public const string EnvironmentVariable = NotebookRunner.ModelsVariable;

    /// <summary>The choice for a run of <paramref name="profile"/> (retraining: "full" rather than "shipped").
    /// </summary>
    public static string For(Profile profile, bool retrain = false) =>
        profile == Profile.Quick ? Quick : retrain ? Full : Shipped;

    /// <summary>The run a choice stands for on <paramref name="data"/>: its profile, and whether it retrains.
    /// </summary>
    public static StudyRun Run(string choice, StudyData? data = null) => choice switch
    {
        Shipped => new StudyRun(Profile.Full, data),
        Quick => new StudyRun(Profile.Quick, data),
        Full => new StudyRun(Profile.Full, data, Retrain: true),
        _ => throw new ArgumentException(
            $"Models '{choice}': use \"shipped\" (the study's, trained once), \"quick\" (trained here in minutes) or " +
            "\"full\" (the study's recipe trained here, about 70 minutes)."),
    };

    /// <summary>The choice in effect: <see cref="EnvironmentVariable"/> when a runner set it, else
    /// <paramref name="inCell"/>; and the line that says which, and where it came from.</summary>
    public static (string Choice, string Line) Resolve(string inCell)
    {
        var set = Environment.GetEnvironmentVariable(EnvironmentVariable);
        var choice = string.IsNullOrWhiteSpace(set) ? inCell : set.Trim();
        Run(choice);   // refuses an unknown choice, naming the three
        var what = choice switch
        {
            Shipped => "the study's models shipped in data/study-models (trained once with the full profile)",
            Quick => "small models trained here (the quick profile)",
            _ => "the study's recipe trained here (the full profile)",
        };
        return (choice, $"models: {choice}, {what}" + (string.IsNullOrWhiteSpace(set) ? ""
            : $" (set by {EnvironmentVariable} from the command that runs this notebook; the cell says '{inCell}')"));
    }
}
