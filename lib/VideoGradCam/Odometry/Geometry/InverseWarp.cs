using static TorchSharp.torch;

namespace VideoGradCam.Odometry.Geometry;

/// <summary>
/// View-synthesis geometry as pure functions (the SfMLearner convention: camera x right, y down, z forward;
/// a pose vector is [tx,ty,tz,rx,ry,rz] mapping points of the target camera into the source camera;
/// rotation R = Rx·Ry·Rz from Euler angles).
/// </summary>
public static class InverseWarp
{
    /// <summary>Pixel grid [1,3,H,W] of homogeneous coordinates (u, v, 1).</summary>
    public static Tensor PixelGrid(int h, int w, Device device)
    {
        var v = arange(h, dtype: ScalarType.Float32, device: device).view(1, h, 1).expand(1, h, w);
        var u = arange(w, dtype: ScalarType.Float32, device: device).view(1, 1, w).expand(1, h, w);
        return stack([u, v, ones(1, h, w, device: device)], 1);      // [1,3,H,W]
    }

    /// <summary>depth [B,H,W], K⁻¹ [B,3,3] -> camera points [B,3,H,W] (X = depth · K⁻¹ · (u,v,1)).</summary>
    public static Tensor PixelToCamera(Tensor depth, Tensor intrinsicsInverse)
    {
        long b = depth.shape[0], h = depth.shape[1], w = depth.shape[2];
        var pix = PixelGrid((int)h, (int)w, depth.device).expand(b, 3, h, w).reshape(b, 3, -1); // [B,3,HW]
        return matmul(intrinsicsInverse, pix).reshape(b, 3, h, w) * depth.unsqueeze(1);
    }

    /// <summary>Where each target pixel lands in the source: target depth [B,H,W], pose [B,6] (target -> source),
    /// intrinsics [B,3,3] -> (grid [B,H,W,2] in grid_sample's [-1,1] (align_corners=true) coordinates, the point's
    /// depth in the source camera [B,H,W], valid [B,H,W]: the projection lands inside the source image). K's last row
    /// is (0,0,1), so the third coordinate of K·[R|t]·X is the source camera's depth of X.</summary>
    public static (Tensor Grid, Tensor SourceDepth, Tensor Valid) Project(Tensor depth, Tensor pose, Tensor intrinsics)
    {
        long b = depth.shape[0], h = depth.shape[1], w = depth.shape[2];
        var points = PixelToCamera(depth, linalg.inv(intrinsics)).reshape(b, 3, -1);     // [B,3,HW]
        var projection = matmul(intrinsics, PoseVectorToMatrix(pose));                   // [B,3,4] = K·[R|t]
        var p = matmul(projection[.., .., ..3], points) + projection[.., .., 3..];       // [B,3,HW]
        var z = p[.., 2].clamp(min: 1e-3);
        var xn = 2 * (p[.., 0] / z) / (w - 1) - 1;
        var yn = 2 * (p[.., 1] / z) / (h - 1) - 1;
        var grid = stack([xn, yn], 2).reshape(b, h, w, 2);
        return (grid, p[.., 2].reshape(b, h, w), grid.abs().amax([-1]) <= 1);
    }

    /// <summary>Euler angles [B,3] (rx,ry,rz) -> rotation matrices [B,3,3], R = Rx·Ry·Rz.</summary>
    public static Tensor EulerToMatrix(Tensor angles)
    {
        long b = angles.shape[0];
        var x = angles[.., 0]; var y = angles[.., 1]; var z = angles[.., 2];
        var zero = zeros_like(z); var one = ones_like(z);
        var zmat = stack([cos(z), -sin(z), zero, sin(z), cos(z), zero, zero, zero, one], 1).reshape(b, 3, 3);
        var ymat = stack([cos(y), zero, sin(y), zero, one, zero, -sin(y), zero, cos(y)], 1).reshape(b, 3, 3);
        var xmat = stack([one, zero, zero, zero, cos(x), -sin(x), zero, sin(x), cos(x)], 1).reshape(b, 3, 3);
        return matmul(matmul(xmat, ymat), zmat);
    }

    /// <summary>Pose vectors [B,6] -> transforms [B,3,4] = [R | t].</summary>
    public static Tensor PoseVectorToMatrix(Tensor pose)
    {
        var t = pose[.., ..3].unsqueeze(-1);                           // [B,3,1]
        return cat([EulerToMatrix(pose[.., 3..]), t], 2);              // [B,3,4]
    }

    /// <summary>
    /// Warps a source image into the target view: source [B,C,H,W], target depth [B,H,W], pose [B,6] (target ->
    /// source), intrinsics [B,3,3] -> (warped [B,C,H,W], valid [B,H,W] bool: the projection lands inside the source
    /// image). Sampling is bilinear with zero padding.
    /// </summary>
    public static (Tensor Warped, Tensor Valid) Warp(Tensor source, Tensor depth, Tensor pose, Tensor intrinsics)
    {
        var (grid, _, valid) = Project(depth, pose, intrinsics);
        var warped = nn.functional.grid_sample(source, grid, mode: GridSampleMode.Bilinear,
            padding_mode: GridSamplePaddingMode.Zeros, align_corners: true);
        return (warped, valid);
    }
}
