namespace VideoGradCam.Cam;

/// <summary>The five gradient CAM methods. They differ only in how channel weights are computed (see
/// <see cref="ChannelWeighting"/>).</summary>
public enum CamMethod
{
    /// <summary>Selvaraju et al. 2017: weights = mean of dScore/dA over the pooled axes.</summary>
    GradCam,
    /// <summary>Chattopadhyay et al. 2018, eq. 19 with the exponential-score simplification (pytorch-grad-cam's
    /// form).</summary>
    GradCamPlusPlus,
    /// <summary>Draelos and Carin 2020: element-wise gradient x activation, summed over channels (no
    /// pooling).</summary>
    HiResCam,
    /// <summary>Fu et al. 2020 (Axiom-based Grad-CAM): weights = sum(dScore/dA * A) / sum(A).</summary>
    XGradCam,
    /// <summary>Jiang et al. 2021: element-wise ReLU(gradient) x activation, summed over channels.</summary>
    LayerCam,
}

/// <summary>How gradients are pooled over time for video activations.</summary>
public enum TemporalWeighting
{
    /// <summary>One weight per channel: mean of gradients over t, h and w (pytorch-grad-cam's convention).</summary>
    Global,
    /// <summary>One weight per channel and time step: mean over h and w only (SlowFast / mmaction2's convention).
    /// For a framewise (CNN-LSTM) layer this is per-frame Grad-CAM, each frame weighted by its own gradients.</summary>
    TimeResolved,
}
