using TorchSharp;

namespace VideoGradCam.Runtime;

/// <summary>The one place that fixes seeds: every figure is reproducible from its seed.</summary>
public static class Seeds
{
    public const int Default = 7;

    /// <summary>Seeds TorchSharp's generators and returns a seeded <see cref="Random"/> for managed code.</summary>
    public static Random Set(int seed = Default)
    {
        torch.manual_seed(seed);
        if (torch.cuda.is_available()) torch.cuda.manual_seed_all(seed);
        return new Random(seed);
    }
}
