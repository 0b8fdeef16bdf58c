using System.IO.Compression;
using System.Runtime.InteropServices;
using VideoGradCam.Commands;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Runtime;

/// <summary>The libstdc++ fix: applied only when needed, idempotent, and leaves a library the loader accepts.</summary>
public class NativeLibraryFixTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("nativefix").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>The untouched library, as shipped in the TorchSharp package (the cached copy may already be
    /// patched).</summary>
    string OriginalLibrary()
    {
        var nupkg = Directory.GetFiles(Path.Combine(NativeLibraryFix.NuGetPackagesFolder(), "torchsharp", "0.107.0"),
            "*.nupkg").Single();
        using var zip = ZipFile.OpenRead(nupkg);
        var entry = zip.Entries.Single(
            e => e.FullName.EndsWith("linux-x64/native/libLibTorchSharp.so", StringComparison.Ordinal));
        var path = Path.Combine(_dir, "libLibTorchSharp.so");
        entry.ExtractToFile(path);
        return path;
    }

    [Fact]
    public void ShippedLibraryRequiresTheMissingVersionAndPatchingRemovesIt()
    {
        var so = OriginalLibrary();
        Assert.True(NativeLibraryFix.NeedsPatch(so));
        Assert.Equal(NativeLibraryFix.Outcome.Patched, NativeLibraryFix.Apply(so));
        Assert.False(NativeLibraryFix.NeedsPatch(so));
    }

    [Fact]
    public void PatchingTwiceChangesNothingTheSecondTime()
    {
        var so = OriginalLibrary();
        NativeLibraryFix.Apply(so);
        var once = File.ReadAllBytes(so);
        Assert.Equal(NativeLibraryFix.Outcome.AlreadyPatched, NativeLibraryFix.Apply(so));
        Assert.Equal(once, File.ReadAllBytes(so));
    }

    [Fact]
    public void PatchedLibraryLoadsOnThisSystem()
    {
        using (var warm = ones(1)) { } // loads libtorch and its dependencies into the process
        var so = OriginalLibrary();
        NativeLibraryFix.Apply(so);
        Assert.True(NativeLibrary.TryLoad(so, out var handle), $"the loader refused the patched {so}");
        NativeLibrary.Free(handle);
    }

    [Fact]
    public void UnpatchedLibraryIsRefusedWhenTheSystemLacksTheVersion()
    {
        if (NativeLibraryFix.SystemLibStdCxxHasVersion()) return; // a newer system: the fix is not needed there
        using (var warm = ones(1)) { }
        var so = OriginalLibrary();
        Assert.False(NativeLibrary.TryLoad(so, out _));
    }

    [Fact]
    public void FixIsNotAppliedWhenTheSystemHasTheVersion()
    {
        var so = OriginalLibrary();
        var before = File.ReadAllBytes(so);
        var lines = SetupCommand.ApplyNativeFix(_dir, _dir, systemHasVersion: true).ToList();
        Assert.Contains(lines, l => l.Contains("not needed"));
        Assert.Equal(before, File.ReadAllBytes(so));
    }

    [Fact]
    public void FixPatchesEveryCopyWhenNeeded()
    {
        var so = OriginalLibrary();
        var lines = SetupCommand.ApplyNativeFix(nugetPackages: Path.Combine(_dir, "none"), buildOutput: _dir,
            systemHasVersion: false).ToList();
        Assert.Contains(lines, l => l.Contains("patched") && l.Contains(so));
        Assert.False(NativeLibraryFix.NeedsPatch(so));
    }

    [Fact]
    public void NonElfFileIsRejectedWithItsName()
    {
        var bogus = Path.Combine(_dir, "bogus.so");
        File.WriteAllText(bogus, "not a library");
        var e = Assert.Throws<InvalidDataException>(() => NativeLibraryFix.NeedsPatch(bogus));
        Assert.Contains(bogus, e.Message);
    }
}
