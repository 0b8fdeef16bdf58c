using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoGradCam.Runtime;

/// <summary>
/// One convolution as a model runs it: a (transposed) 2D or 3D convolution's weight, input shape and geometry.
/// Serialisable, so that a child process can run the same shapes under another <see cref="ConvolutionMode"/>.
/// </summary>
/// <param name="Input">[N,C,H,W] or [N,C,T,H,W].</param>
/// <param name="Weight">[out,in/groups,k...] (transposed: [in,out/groups,k...]).</param>
/// <param name="Geometry">where the kernel goes: stride, padding, dilation and output padding, one value per spatial
/// (or temporal) dimension.</param>
public sealed record ConvolutionShape(bool Transposed, long[] Input, long[] Weight, ConvolutionGeometry Geometry,
    long Groups, bool Bias)
{
    long[] Stride => Geometry.Stride;
    long[] Padding => Geometry.Padding;
    long[] Dilation => Geometry.Dilation;
    long[] OutputPadding => Geometry.OutputPadding;

    /// <summary>"conv3d 3->16 k3x7x7 s1x2x2 [2,3,16,112,112]".</summary>
    public override string ToString()
    {
        var dims = Input.Length - 2;
        long cin = Transposed ? Weight[0] : Weight[1] * Groups, cout = Transposed ? Weight[1] * Groups : Weight[0];
        return $"{(Transposed ? "deconv" : "conv")}{dims}d {cin}->{cout} k{string.Join('x', Weight[2..])} " +
               $"s{string.Join('x', Stride)} [{string.Join(',', Input)}]";
    }

    /// <summary>The same convolution, identified by its geometry (what decides oneDNN's kernel).</summary>
    public string Key => ToString() + $" p{string.Join('x', Padding)} d{string.Join('x', Dilation)} " +
                         $"o{string.Join('x', OutputPadding)} g{Groups} b{Bias}";

    /// <summary>The shape of <paramref name="conv"/> applied to <paramref name="input"/>, the batch cut to
    /// <paramref name="maxBatch"/>. Convolutions with a string padding ("same") are not supported.</summary>
    public static ConvolutionShape Of(Convolution conv, Tensor input, long maxBatch)
    {
        if (conv.padding is null)
            throw new NotSupportedException(
                $"{conv.GetName()}: a padding mode given by name is not supported by the check.");
        var shape = input.shape.ToArray();
        shape[0] = Math.Min(shape[0], maxBatch);
        return new ConvolutionShape(conv.transposed, shape, conv.weight!.shape.ToArray(),
            new ConvolutionGeometry(conv.stride.ToArray(), conv.padding.ToArray(), conv.dilation.ToArray(),
                conv.output_padding?.ToArray() ?? new long[shape.Length - 2]),
            conv.groups, conv.bias is not null);
    }

    /// <summary>The convolution's output for this geometry.</summary>
    public Tensor Apply(Tensor input, Tensor weight, Tensor? bias) => (Input.Length, Transposed) switch
    {
        (4, false) => nn.functional.conv2d(input, weight, bias, Stride, Padding, Dilation, Groups),
        (5, false) => nn.functional.conv3d(input, weight, bias, Stride, Padding, Dilation, Groups),
        (4, true) =>
            nn.functional.conv_transpose2d(input, weight, bias, Stride, Padding, OutputPadding, Dilation, Groups),
        (5, true) =>
            nn.functional.conv_transpose3d(input, weight, bias, Stride, Padding, OutputPadding, Dilation, Groups),
        _ => throw new NotSupportedException($"{this}: only 2D and 3D convolutions are checked."),
    };
}

/// <summary>Where a convolution's kernel goes over its input, per spatial (or temporal) dimension: the step
/// (<paramref name="Stride"/>), the zero border (<paramref name="Padding"/>), the spacing of the kernel's taps
/// (<paramref name="Dilation"/>) and, for a transposed convolution, the extra output size
/// (<paramref name="OutputPadding"/>; zeros otherwise).</summary>
public sealed record ConvolutionGeometry(long[] Stride, long[] Padding, long[] Dilation, long[] OutputPadding);
