namespace VideoGradCam.Tests;

/// <summary>
/// Tests that compare two seeded runs: TorchSharp's default generator is global to the process, so they run with no
/// other test in parallel (another test drawing random numbers in between would change the second run).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SeededCollection
{
    public const string Name = "seeded runs";
}
