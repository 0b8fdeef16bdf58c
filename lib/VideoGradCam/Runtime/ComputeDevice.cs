using TorchSharp;

namespace VideoGradCam.Runtime;

/// <summary>The one place that picks the device: CUDA when TorchSharp sees a GPU, else CPU.
/// WORKSPACE_DEVICE=cpu forces the CPU.</summary>
public static class ComputeDevice
{
    static torch.Device? _chosen;

    public static torch.Device Default => _chosen ??= Choose();

    static torch.Device Choose()
    {
        var forced = Environment.GetEnvironmentVariable("WORKSPACE_DEVICE");
        if (forced is { Length: > 0 }) return new torch.Device(forced);
        return torch.cuda.is_available() ? torch.CUDA : torch.CPU;
    }

    public static string Describe() =>
        $"TorchSharp {typeof(torch).Assembly.GetName().Version}, device {Default.type}, " +
        $"{torch.get_num_threads()} CPU threads";
}
