using TorchSharp;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Runtime;

/// <summary>The channels-last mode changes strides only: a convolution with a kernel sees a channels-last input, a
/// pointwise one a channels-first input; the values and the parameters stay what they were.</summary>
public class ChannelsLastInputsTests
{
    static nn.Module<Tensor, Tensor> Net() =>
        nn.Sequential(("conv", nn.Conv2d(3, 8, 3, padding: 1)), ("relu", nn.ReLU()), ("pointwise", nn.Conv2d(8, 8, 1)),
        ("deconv", nn.ConvTranspose2d(8, 2, 4, stride: 2, padding: 1)));

    [Fact]
    public void ConvolutionsWithAKernelSeeAChannelsLastInputAndTheOutputIsUnchanged()
    {
        torch.manual_seed(3);
        using var net = Net();
        using var x = randn(2, 3, 12, 20);
        using var before = net.call(x).detach();
        var parameters = net.parameters().ToList();
        ConvolutionGuard.WithChannelsLastInputs(net);
        ConvolutionGuard.WithChannelsLastInputs(net);   // idempotent: one hook per convolution
        var seen = new List<bool>();
        foreach (var conv in net.modules().OfType<TorchSharp.Modules.Convolution>())
            ((nn.Module<Tensor, Tensor>)conv).register_forward_hook((_, input, _) =>
            {
                seen.Add(ConvolutionGuard.IsChannelsLast(input));
                return null!;
            });
        using var after = net.call(x);
        Assert.Equal([true, false, true], seen);   // a pointwise convolution gets channels-first
        Assert.True(after.allclose(before, rtol: 1e-5, atol: 1e-6));
        Assert.Equal(parameters, net.parameters().ToList());
        Assert.All(net.parameters(), p => Assert.True(p.is_contiguous()));
    }

    [Fact]
    public void ChannelsLastStridesAreRecognisedIn2DAnd3D()
    {
        using var image = randn(2, 3, 4, 5);
        using var clip = randn([2, 3, 4, 5, 6]);
        Assert.False(ConvolutionGuard.IsChannelsLast(image));
        Assert.True(ConvolutionGuard.IsChannelsLast(ConvolutionGuard.ChannelsLast(image)));
        Assert.False(ConvolutionGuard.IsChannelsLast(clip));
        Assert.True(ConvolutionGuard.IsChannelsLast(ConvolutionGuard.ChannelsLast(clip)));
        Assert.True(ConvolutionGuard.ChannelsLast(clip).equal(clip).all().item<bool>());
    }
}
