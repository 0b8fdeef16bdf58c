using static TorchSharp.torch;

namespace VideoGradCam.Odometry.Geometry;

/// <summary>
/// The optical flow a camera motion makes in a rigid scene of known depth (the same geometry as
/// <see cref="InverseWarp"/>): each target pixel (u, v) with depth d is back-projected, X = d·K⁻¹(u, v, 1), moved by
/// the pose (target -> reference, [tx,ty,tz,rx,ry,rz] as the PoseNet predicts it), X' = R·X + t, and projected, (u',
/// v') = K·X' / z'; flow = (u', v') − (u, v) in pixels. As in the warp, z' is clamped at 1 mm, so a point that ends
/// behind the camera gets a large flow (it leaves the view).
/// <para>Pixels without depth (0) get zero flow. On the synthetic drive depth 0 is the sky, which the renderer paints
/// as a gradient over the image rows: it does not move in the images, whatever the camera does.</para>
/// </summary>
public static class RigidFlow
{
    /// <summary>depth [B,H,W] (metres, 0 = none), pose [B,6] (target -> reference), intrinsics [B,3,3] -> flow
    /// [B,2,H,W] (x then y, pixels).</summary>
    public static Tensor Compute(Tensor depth, Tensor pose, Tensor intrinsics)
    {
        if (depth.dim() != 3 || pose.dim() != 2 || pose.shape[1] != 6 || intrinsics.dim() != 3
            || depth.shape[0] != pose.shape[0] || intrinsics.shape[0] != pose.shape[0])
            throw new ArgumentException(
                "RigidFlow needs depth [B,H,W], pose [B,6] and intrinsics [B,3,3]; got " +
                $"[{string.Join(",", depth.shape)}], " +
                $"[{string.Join(",", pose.shape)}] and " +
                $"[{string.Join(",", intrinsics.shape)}].");
        using var scope = NewDisposeScope();
        long b = depth.shape[0], h = depth.shape[1], w = depth.shape[2];
        var points = InverseWarp.PixelToCamera(depth, linalg.inv(intrinsics)).reshape(b, 3, -1);   // [B,3,HW]
        var transform = InverseWarp.PoseVectorToMatrix(pose);                                         // [B,3,4]
        var moved = matmul(transform[.., .., ..3], points) + transform[.., .., 3..];                  // [B,3,HW]
        var projected = matmul(intrinsics, moved);                                                    // [B,3,HW]
        var pixels = projected[.., ..2] / projected[.., 2..3].clamp(min: 1e-3);                        // [B,2,HW]
        // [1,2,HW]: (u, v)
        var grid = InverseWarp.PixelGrid((int)h, (int)w, depth.device)[.., ..2].reshape(1, 2, -1);
        var known = (depth.reshape(b, 1, -1) > 0).expand(b, 2, h * w);
        return where(known, pixels - grid, zeros_like(pixels)).reshape(b, 2, h, w).MoveToOuterDisposeScope();
    }

    /// <summary>flow [B,2,H,W] -> its length per pixel [B,H,W].</summary>
    public static Tensor Magnitude(Tensor flow) => flow.pow(2).sum(1).sqrt();

    /// <summary>The pose [B,6] with every component but <paramref name="dof"/> (tx..rz) set to zero: the motion of one
    /// DoF alone.</summary>
    public static Tensor Only(Tensor pose, string dof)
    {
        int d = PoseMath.DofNames.ToList().IndexOf(dof);
        if (d < 0) throw new ArgumentException(
            $"Unknown DoF '{dof}': use one of {string.Join(", ", PoseMath.DofNames)}.");
        using var scope = NewDisposeScope();
        var keep =
            tensor(Enumerable.Range(0, 6).Select(i => i == d ? 1f : 0f).ToArray()).to(pose.dtype).to(pose.device);
        return (pose * keep).MoveToOuterDisposeScope();
    }
}
