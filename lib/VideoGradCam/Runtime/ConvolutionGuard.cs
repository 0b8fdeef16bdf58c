using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoGradCam.Runtime;

/// <summary>
/// Makes this process's convolutions right on this CPU. Every entry point (the CLI, the test host, the notebook
/// bootstrap) calls <see cref="Ensure"/> before any convolution runs; every model the workspace builds or explains
/// passes through <see cref="Prepare{T}"/>. The mode comes from <see cref="ConvolutionModes.EnvironmentVariable"/> when
/// set, else from this machine's cached <see cref="ConvolutionVerdict"/>, else from running the check
/// (<c>./workspace check-convolutions</c>).
/// </summary>
public static class ConvolutionGuard
{
    static readonly object Gate = new();
    static bool _applied;

    /// <summary>The mode this process runs in (<see cref="ConvolutionMode.OneDnn"/> until one is applied).</summary>
    public static ConvolutionMode Mode { get; private set; } = ConvolutionMode.OneDnn;

    /// <summary>Where <see cref="Mode"/> came from, for messages ("WORKSPACE_CONVOLUTIONS", "this machine's check",
    /// ...).</summary>
    public static string Source { get; private set; } = "not applied";

    /// <summary>Sets <paramref name="mode"/> for the rest of this process. Call before the first convolution: oneDNN
    /// reads its instruction-set limit once. Applying another mode later is refused.</summary>
    public static void Apply(ConvolutionMode mode, string source)
    {
        lock (Gate)
        {
            if (_applied)
            {
                if (mode != Mode)
                    throw new InvalidOperationException($"Convolutions already run as {Mode.Name()} ({Source}); " +
                                                        $"{mode.Name()} needs a new process.");
                return;
            }
            if (mode.MaxCpuIsa() is { } isa) LibTorchSwitches.SetNativeEnvironment("ONEDNN_MAX_CPU_ISA", isa);
            if (mode == ConvolutionMode.OneDnnOff) LibTorchSwitches.EnableOneDnn(false);
            (Mode, Source, _applied) = (mode, source, true);
            // The Grad-CAM core prepares every model it is handed the same way.
            Cam.ModulePreparation.Prepare = module => Prepare(module);
        }
    }

    /// <summary>Applies this machine's mode once per process and returns it. <paramref name="cli"/>: the workspace's
    /// CLI (<c>workspace.dll</c>) that runs the check when no verdict is cached; when it cannot run, the process falls
    /// back to <see cref="ConvolutionMode.OneDnnOff"/> (right on every CPU, slower) and says so through
    /// <paramref name="say"/>.</summary>
    public static ConvolutionMode Ensure(Action<string>? say = null, string? cli = null)
    {
        lock (Gate)
        {
            if (_applied) return Mode;
            if (Environment.GetEnvironmentVariable(ConvolutionModes.EnvironmentVariable) is { Length: > 0 } given)
            {
                Apply(ConvolutionModes.Parse(given), ConvolutionModes.EnvironmentVariable);
                return Mode;
            }
            var verdict = ConvolutionVerdict.Load() ?? RunCheck(cli, say);
            if (verdict is null)
            {
                say?.Invoke(
                    "convolutions: no check of this CPU could run; using onednn-off (right everywhere, slower): " +
                    "run ./workspace setup");
                Apply(ConvolutionMode.OneDnnOff, "fallback without a check");
            }
            else Apply(verdict.Mode, "this machine's check");
            return Mode;
        }
    }

    static ConvolutionVerdict? RunCheck(string? cli, Action<string>? say)
    {
        try { cli ??= WorkspacePaths.Cli(); }
        catch (DirectoryNotFoundException) { return null; }
        if (!File.Exists(cli)) return null;
        say?.Invoke("convolutions: checking this CPU's convolutions once (./workspace check-convolutions)");
        var run = ExternalProcess.Run("dotnet", [cli, "check-convolutions"], onLine: say);
        return run.ExitCode == 0 ? ConvolutionVerdict.Load() : null;
    }

    /// <summary>A convolution's input as the mode wants it (<paramref name="kernel"/>: the convolution's kernel size).
    /// In <see cref="ConvolutionMode.ChannelsLast"/> a convolution with a kernel larger than 1 gets a channels-last
    /// input: oneDNN then runs its channels-last kernels, forward and backward. A pointwise (1x1) convolution gets a
    /// channels-first one: oneDNN's channels-last 1x1 backward writes past its buffer when channels are fewer than its
    /// block.</summary>
    public static Tensor PrepareInput(Tensor input, IReadOnlyList<long> kernel) =>
        Mode == ConvolutionMode.ChannelsLast ? ChannelsLastUnlessPointwise(input, kernel) : input;

    static Tensor ChannelsLastUnlessPointwise(Tensor input, IReadOnlyList<long> kernel)
    {
        if (input.dim() is not (4 or 5)) return input;
        if (kernel.All(k => k == 1)) return input.is_contiguous() ? input : input.contiguous();
        return IsChannelsLast(input) ? input : ChannelsLast(input);
    }

    /// <summary>Makes every convolution of <paramref name="module"/> run as the mode wants: in
    /// <see cref="ConvolutionMode.ChannelsLast"/>, a forward pre-hook on each convolution hands it its input as
    /// <see cref="PrepareInput"/> says (the values are the same; weights, files and optimiser state are untouched).
    /// Idempotent; returns the module. Hooks fire through <c>module.call(x)</c>, as the workspace's models run
    /// layers.</summary>
    public static T Prepare<T>(T module) where T : nn.Module =>
        Mode == ConvolutionMode.ChannelsLast ? WithChannelsLastInputs(module) : module;

    /// <summary>The pre-hooks of <see cref="Prepare{T}"/>, whatever the mode (tests and benchmarks).</summary>
    public static T WithChannelsLastInputs<T>(T module) where T : nn.Module
    {
        foreach (var m in module.modules())
            if (m is Convolution conv && !Hooked.TryGetValue(conv, out _))
            {
                var kernel = conv.kernel_size.ToArray();
                conv.register_forward_pre_hook((_, input) => ChannelsLastUnlessPointwise(input, kernel));
                Hooked.Add(conv, Hooked);
            }
        return module;
    }

    static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Convolution, object> Hooked = new();

    /// <summary>A copy of a 4-D or 5-D tensor with channels-last strides ([N,C,H,W] stored as N,H,W,C).</summary>
    public static Tensor ChannelsLast(Tensor t) => t.dim() == 4
        ? t.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2)
        : t.permute(0, 2, 3, 4, 1).contiguous().permute(0, 4, 1, 2, 3);

    public static bool IsChannelsLast(Tensor t)
    {
        var shape = t.shape;
        var order = t.dim() == 4 ? new[] { 1, 3, 2, 0 } : [1, 4, 3, 2, 0];   // fastest-varying dimension first
        var expected = new long[shape.Length];
        long step = 1;
        foreach (var d in order) { expected[d] = step; step *= shape[d]; }
        var strides = t.stride();
        return Enumerable.Range(0, shape.Length).All(d => shape[d] == 1 || strides[d] == expected[d]);
    }
}
