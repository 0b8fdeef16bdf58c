using System.Runtime;

namespace VideoGradCam.Runtime;

/// <summary>
/// Keeps the garbage collector out of a block of TorchSharp calls. TorchSharp 0.107 turns plain numbers into
/// <c>Scalar</c> objects that only a finalizer frees; a collection that runs while such a Scalar's handle is inside a
/// native call can free it under the call (seen here: "Expected false to be true" from <c>Scalar::toDouble</c> inside
/// <c>Adam.step</c>, about once in a few thousand steps under load). No collection, no finalizer, no race.
/// See also <c>DOTNET_GCgen0size</c> in ./workspace, which makes collections rarer everywhere.
/// </summary>
public readonly struct NativeCallGuard : IDisposable
{
    readonly bool _started;

    NativeCallGuard(bool started) => _started = started;

    /// <summary>Starts a no-GC region big enough for <paramref name="bytes"/> of allocations by any thread.</summary>
    public static NativeCallGuard Begin(long bytes = 64L << 20)
    {
        try { return new NativeCallGuard(GCSettings.LatencyMode != GCLatencyMode.NoGCRegion
            && GC.TryStartNoGCRegion(bytes)); }
        catch (InvalidOperationException) { return new NativeCallGuard(false); }
    }

    public void Dispose()
    {
        // another thread's allocations already ended it
        if (!_started || GCSettings.LatencyMode != GCLatencyMode.NoGCRegion) return;
        try { GC.EndNoGCRegion(); }
        catch (InvalidOperationException) { }
    }
}
