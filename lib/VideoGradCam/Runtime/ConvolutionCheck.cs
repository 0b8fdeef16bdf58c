using System.Diagnostics;
using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Runtime;

/// <summary>
/// Runs convolutions forward and backward in float32, in this process's <see cref="ConvolutionMode"/>, against a
/// float64 reference, after filling and freeing memory with NaN (the fault reads memory it did not write, so poisoned
/// memory makes it show). A shape fails when an output or gradient is not finite or differs from the reference by more
/// than <see cref="Tolerance"/> of the reference's largest magnitude.
/// </summary>
public static class ConvolutionCheck
{
    /// <summary>Largest error relative to the reference's largest magnitude that still passes.</summary>
    public const double Tolerance = 1e-3;

    /// <summary>One shape's worst outcome over its repetitions.</summary>
    /// <param name="Error">largest relative error; NaN when a value was not finite.</param>
    public sealed record ShapeOutcome(string Shape, double Error)
    {
        public bool Passed => double.IsFinite(Error) && Error <= Tolerance;
    }

    /// <summary>The outcome of every shape in one mode, and the float32 time of one forward + backward of all
    /// shapes.</summary>
    public sealed record Result(ConvolutionMode Mode, IReadOnlyList<ShapeOutcome> Shapes, double Seconds)
    {
        public bool Passed => Shapes.All(s => s.Passed);
        public IEnumerable<ShapeOutcome> Failures => Shapes.Where(s => !s.Passed);
    }

    /// <summary>Checks <paramref name="shapes"/> <paramref name="repetitions"/> times each in this process's mode
    /// (<see cref="ConvolutionGuard.Mode"/>, applied before). <paramref name="corrupt"/> (tests only) alters the
    /// float32 results, as a faulty kernel would.</summary>
    public static Result Run(IReadOnlyList<ConvolutionShape> shapes, int repetitions = 3,
        Func<Tensor, Tensor>? corrupt = null)
    {
        var outcomes =
            shapes.Select(shape => new ShapeOutcome(shape.ToString(), Error(shape, repetitions, corrupt))).ToList();
        return new Result(ConvolutionGuard.Mode, outcomes, Time(shapes));
    }

    /// <summary>Largest relative error of output, input gradient and weight gradient against float64 over
    /// <paramref name="repetitions"/> runs on freshly poisoned memory (NaN: a value was not finite).</summary>
    static double Error(ConvolutionShape shape, int repetitions, Func<Tensor, Tensor>? corrupt)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1000);
        var x = randn(shape.Input, generator: generator);
        var w = randn(shape.Weight, generator: generator)
            * (1.0 / Math.Sqrt(shape.Weight.Skip(1).Aggregate(1L, (a, b) => a * b)));
        var b = shape.Bias
            ? randn([shape.Transposed ? shape.Weight[1] * shape.Groups : shape.Weight[0]], generator: generator) : null;
        var want = Gradients(shape, x.to(float64), w.to(float64), b?.to(float64), generator.manual_seed(2000));
        double worst = 0;
        for (int r = 0; r < repetitions; r++)
        {
            Poison(x.NumberOfElements * 8);
            var got = Gradients(shape, ConvolutionGuard.PrepareInput(x, shape.Weight[2..]), w, b,
                generator.manual_seed(2000));
            if (corrupt is not null) got = got.Select(corrupt).ToArray();
            for (int i = 0; i < got.Length; i++)
            {
                if (!isfinite(got[i]).all().item<bool>()) return double.NaN;
                var scale = want[i].abs().max().item<double>();
                worst =
                    Math.Max(worst, (got[i].to(float64) - want[i]).abs().max().item<double>() / Math.Max(scale, 1e-12));
            }
        }
        return worst;
    }

    /// <summary>[output, d input, d weight] for a random output gradient drawn from
    /// <paramref name="generator"/>.</summary>
    static Tensor[] Gradients(ConvolutionShape shape, Tensor x, Tensor w, Tensor? b, Generator generator)
    {
        x = x.detach().requires_grad_(true);
        w = w.detach().requires_grad_(true);
        var y = shape.Apply(x, w, b);
        var dy = randn(y.shape, generator: generator).to(y.dtype);
        var grads = autograd.grad([y], [x, w], [dy]);
        return [y.detach(), grads[0], grads[1]];
    }

    /// <summary>Fills freed memory with NaN: buffers of the sizes a convolution allocates, filled, then
    /// released.</summary>
    static void Poison(long bytes)
    {
        foreach (var size in new[] { 1L << 20, bytes, bytes / 4, 1L << 16 })
            for (int i = 0; i < 4; i++)
            {
                using var p = full([Math.Max(size / 4, 1)], float.NaN);
            }
    }

    /// <summary>Seconds for one float32 forward + backward of every shape (after one untimed run).</summary>
    static double Time(IReadOnlyList<ConvolutionShape> shapes)
    {
        double seconds = 0;
        foreach (var shape in shapes)
            for (int run = 0; run < 2; run++)
            {
                using var scope = NewDisposeScope();
                var x = ConvolutionGuard.PrepareInput(randn(shape.Input), shape.Weight[2..]);
                var w = randn(shape.Weight);
                var clock = Stopwatch.StartNew();
                using var generator = new Generator(1);
                Gradients(shape, x, w, null, generator);
                if (run == 1) seconds += clock.Elapsed.TotalSeconds;
            }
        return seconds;
    }
}
