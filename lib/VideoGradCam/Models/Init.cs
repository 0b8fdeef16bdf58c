using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace VideoGradCam.Models;

/// <summary>torchvision's ResNet initialisation: Kaiming-normal (fan_out, ReLU) convolutions, BN weight 1 bias 0,
/// (video ResNets) Linear N(0, 0.01) with bias 0.</summary>
static class Init
{
    public static void ResNetDefaults(nn.Module root)
    {
        using var _ = no_grad();
        foreach (var (_, m) in root.named_modules())
        {
            switch (m)
            {
                case Conv3d c: nn.init.kaiming_normal_(c.weight, mode: nn.init.FanInOut.FanOut,
                    nonlinearity: nn.init.NonlinearityType.ReLU); break;
                case Conv2d c: nn.init.kaiming_normal_(c.weight, mode: nn.init.FanInOut.FanOut,
                    nonlinearity: nn.init.NonlinearityType.ReLU); break;
                case BatchNorm3d b: nn.init.ones_(b.weight); nn.init.zeros_(b.bias); break;
                case BatchNorm2d b: nn.init.ones_(b.weight); nn.init.zeros_(b.bias); break;
                case Linear l: nn.init.normal_(l.weight, 0, 0.01); if (l.bias is { } bias) nn.init.zeros_(bias); break;
            }
        }
    }
}
