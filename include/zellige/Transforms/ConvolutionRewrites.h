//===- ConvolutionRewrites.h - Reshape convolutions for codegen -*- C++ -*-===//
//
// This file declares rewrites shared by the code generators that turn
// convolutions the upstream vectorizer cannot handle into ones it can.
//
//===----------------------------------------------------------------------===//

#ifndef ZELLIGE_TRANSFORMS_CONVOLUTIONREWRITES_H
#define ZELLIGE_TRANSFORMS_CONVOLUTIONREWRITES_H

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace zellige {

/// Adds patterns that rewrite, once tiling has made the group dimension a
/// single element,
///  - `linalg.depthwise_conv_2d_nchw_chw` with one channel, and
///  - `linalg.conv_2d_ngchw_gfchw` with one group
/// into `linalg.conv_2d_nchw_fchw` on reshaped operands. After the 2-D to 1-D
/// decomposition, the result is a `linalg.conv_1d_ncw_fcw`, which
/// `linalg::vectorize` turns into vector contractions along the output width.
/// A 1-D convolution with a single input and output channel (every depthwise
/// step) is vectorized directly: one row read, one vector.shuffle and one
/// vector.fma per window tap, whatever the stride and dilation.
void populateUnitGroupConvolutionPatterns(mlir::RewritePatternSet &patterns);

} // namespace zellige

#endif // ZELLIGE_TRANSFORMS_CONVOLUTIONREWRITES_H
