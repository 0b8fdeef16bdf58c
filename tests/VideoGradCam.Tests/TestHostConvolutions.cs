using System.Runtime.CompilerServices;
using VideoGradCam.Runtime;

namespace VideoGradCam.Tests;

/// <summary>The test host runs its convolutions as this machine's check chose, before any test runs.</summary>
static class TestHostConvolutions
{
    [ModuleInitializer]
    internal static void Apply() => ConvolutionGuard.Ensure(Console.Error.WriteLine);
}
