using static TorchSharp.torch;

namespace VideoGradCam.Cam;

/// <summary>What every module handed to the engine passes through once, before its first forward pass: the identity,
/// unless the host sets it. The workspace sets it to its convolution guard, which gives convolutions the memory layout
/// that computes correctly on this machine's CPU.</summary>
internal static class ModulePreparation
{
    /// <summary>Returns the module it is given, prepared in place.</summary>
    internal static Func<nn.Module, nn.Module> Prepare { get; set; } = module => module;
}
