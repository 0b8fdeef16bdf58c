namespace VideoGradCam.Tests;

/// <summary>
/// Temporary folders for tests: all under one folder per test process, deleted when the process exits and, since the
/// test host is not always let exit normally, by the next run when the process that made it is gone. Odometry tests
/// save 100 MB checkpoints; left behind, runs of the suite filled this machine's disk.
/// </summary>
static class TestTemp
{
    static readonly string Root = CreateRoot();

    static string CreateRoot()
    {
        foreach (var stale in Directory.EnumerateDirectories(Path.GetTempPath(), $"{Prefix}*"))
            if (int.TryParse(Path.GetFileName(stale)[Prefix.Length..], out int pid) && !IsRunning(pid)) TryDelete(
                stale);
        var root = Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}");
        Directory.CreateDirectory(root);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(root);
        return root;
    }

    const string Prefix = "vgc-test-run-";

    static bool IsRunning(int pid)
    {
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
    }

    static void TryDelete(string folder)
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { }                          // a file still open: the next run tries again
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>A new empty folder named <paramref name="prefix"/>-&lt;guid&gt;.</summary>
    public static string Dir(string prefix)
    {
        var d = Path.Combine(Root, $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(d);
        return d;
    }
}
