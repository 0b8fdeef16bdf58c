using System.Diagnostics;

namespace VideoGradCam.Runtime;

/// <summary>Runs a program, streaming or capturing its output.</summary>
public static class ExternalProcess
{
    public sealed record Result(int ExitCode, string Output);

    public static Result Run(string file, IEnumerable<string> arguments, string? workingDirectory = null,
        IDictionary<string, string>? environment = null, Action<string>? onLine = null, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var a in arguments) psi.ArgumentList.Add(a);
        if (environment != null) foreach (var (k, v) in environment) psi.Environment[k] = v;

        var output = new System.Text.StringBuilder();
        using var p = new Process { StartInfo = psi };
        void Take(string? line)
        {
            if (line is null) return;
            lock (output) output.AppendLine(line);
            onLine?.Invoke(line);
        }
        p.OutputDataReceived += (_, e) => Take(e.Data);
        p.ErrorDataReceived += (_, e) => Take(e.Data);
        try { p.Start(); }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new FileNotFoundException($"Cannot start '{file}': {e.Message}", file);
        }
        p.StandardInput.Close();
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        if (!p.WaitForExit(timeout ?? Timeout.InfiniteTimeSpan))
        {
            p.Kill(entireProcessTree: true);
            Take($"[killed after {timeout}]");
            return new Result(-1, output.ToString());
        }
        p.WaitForExit();
        return new Result(p.ExitCode, output.ToString());
    }
}
