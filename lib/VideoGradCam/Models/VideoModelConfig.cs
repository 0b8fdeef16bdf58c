using System.Text.Json.Serialization;

namespace VideoGradCam.Models;

/// <summary>
/// Everything needed to rebuild a video classifier (stored in checkpoints as JSON).
/// </summary>
/// <param name="Architecture">a video classifier's name in <see cref="ModelRegistry"/>.</param>
/// <param name="NumClasses">K, the number of classes.</param>
/// <param name="Width">base channels of the ResNet (64 = torchvision; 16 or 8 for quick CPU training). Layers have
/// width x (1,2,4,8).</param>
/// <param name="HiddenSize">LSTM hidden size (CNN-LSTM models only).</param>
/// <param name="AttentionSize">size of the attention's projection W (CNN-LSTM with attention only).</param>
public sealed record VideoModelConfig(
    string Architecture,
    int NumClasses,
    int Width = 64,
    int HiddenSize = 256,
    int AttentionSize = 128)
{
    [JsonIgnore]
    public bool IsRecurrent => ModelRegistry.Get(Architecture).Temporal.IsRecurrent;
}
