// Models at opsets 7 to 21 import into the canonical opset-17 form: Unsqueeze
// and Split take int64 inputs, ReduceMean takes an `axes` attribute, Clip
// takes min/max inputs, Softmax normalizes the last axis, and opset-19 Cast
// loses `saturate`. Opset-18 Split with `num_outputs` gets explicit sizes
// when the dimension does not divide evenly.

// RUN: %python %S/Inputs/gen_model.py opset7 %t.7.onnx
// RUN: zellige-translate --import-onnx %t.7.onnx | FileCheck %s --check-prefixes=CHECK,OLD
// RUN: %python %S/Inputs/gen_model.py opset9 %t.9.onnx
// RUN: zellige-translate --import-onnx %t.9.onnx | FileCheck %s --check-prefixes=CHECK,OLD
// RUN: %python %S/Inputs/gen_model.py opset11 %t.11.onnx
// RUN: zellige-translate --import-onnx %t.11.onnx | FileCheck %s --check-prefixes=CHECK,OLD
// RUN: %python %S/Inputs/gen_model.py opset13 %t.13.onnx
// RUN: zellige-translate --import-onnx %t.13.onnx | FileCheck %s --check-prefixes=CHECK,OLD
// RUN: %python %S/Inputs/gen_model.py opset15 %t.15.onnx
// RUN: zellige-translate --import-onnx %t.15.onnx | FileCheck %s --check-prefixes=CHECK,OLD
// RUN: %python %S/Inputs/gen_model.py opset17 %t.17.onnx
// RUN: zellige-translate --import-onnx %t.17.onnx | FileCheck %s --check-prefixes=CHECK,OLD
// RUN: %python %S/Inputs/gen_model.py opset18 %t.18.onnx
// RUN: zellige-translate --import-onnx %t.18.onnx | FileCheck %s --check-prefixes=CHECK,NEW
// RUN: %python %S/Inputs/gen_model.py opset19 %t.19.onnx
// RUN: zellige-translate --import-onnx %t.19.onnx | FileCheck %s --check-prefixes=CHECK,NEW
// RUN: %python %S/Inputs/gen_model.py opset20 %t.20.onnx
// RUN: zellige-translate --import-onnx %t.20.onnx | FileCheck %s --check-prefixes=CHECK,NEW
// RUN: %python %S/Inputs/gen_model.py opset21 %t.21.onnx
// RUN: zellige-translate --import-onnx %t.21.onnx | FileCheck %s --check-prefixes=CHECK,NEW

// CHECK: module attributes {onnx.opset = 17 : i64
// CHECK-LABEL: func.func @main(
// CHECK-SAME: %[[X:[^:]*]]: tensor<2x3x4xf32> {onnx.name = "x"}
// CHECK-DAG: %[[AXES:.*]] = "onnx.Constant"() <{value = dense<0> : tensor<1xi64>}>
// CHECK-DAG: %[[LO:.*]] = "onnx.Constant"() <{value = dense<0.000000e+00> : tensor<f32>}>
// CHECK-DAG: %[[HI:.*]] = "onnx.Constant"() <{value = dense<6.000000e+00> : tensor<f32>}>
// OLD-DAG: %[[SIZES:.*]] = "onnx.Constant"() <{value = dense<[1, 2]> : tensor<2xi64>}>
// NEW-DAG: %[[SIZES:.*]] = "onnx.Constant"() <{value = dense<[2, 1]> : tensor<2xi64>}>
// CHECK-DAG: %[[U:.*]] = "onnx.Unsqueeze"(%[[X]], %[[AXES]]) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<1x2x3x4xf32>
// CHECK-DAG: %[[M:.*]] = "onnx.ReduceMean"(%[[U]]) <{axes = [3], keepdims = 1 : i64}> : (tensor<1x2x3x4xf32>) -> tensor<1x2x3x1xf32>
// CHECK-DAG: %[[C:.*]] = "onnx.Clip"(%[[M]], %[[LO]], %[[HI]])
// CHECK-DAG: %[[S:.*]] = "onnx.Softmax"(%[[C]]) <{axis = -1 : i64}> : (tensor<1x2x3x1xf32>) -> tensor<1x2x3x1xf32>
// OLD-DAG: %[[SP:.*]]:2 = "onnx.Split"(%[[S]], %[[SIZES]]) <{axis = 2 : i64}> : (tensor<1x2x3x1xf32>, tensor<2xi64>) -> (tensor<1x2x1x1xf32>, tensor<1x2x2x1xf32>)
// NEW-DAG: %[[SP:.*]]:2 = "onnx.Split"(%[[S]], %[[SIZES]]) <{axis = 2 : i64}> : (tensor<1x2x3x1xf32>, tensor<2xi64>) -> (tensor<1x2x2x1xf32>, tensor<1x2x1x1xf32>)
// CHECK-DAG: %[[Y:.*]] = "onnx.Cast"(%[[SP]]#1) <{to = 10 : i64}>
// CHECK-NOT: saturate
// CHECK: return %[[Y]], %[[SP]]#0

// When libonnx's version converter gives up (its Softmax adapter needs a
// rank that a run-time Reshape hides), the importer's own rules upgrade the
// model: attributes become initializer inputs, and the pre-13 Softmax, which
// flattened its input to 2-D at `axis`, becomes Flatten -> Softmax(-1) ->
// Reshape back to the input's shape.
// RUN: %python %S/Inputs/gen_model.py opset9_fallback %t.fallback.onnx
// RUN: zellige-translate --import-onnx %t.fallback.onnx | FileCheck %s --check-prefix=FALLBACK

// FALLBACK: module attributes {onnx.opset = 17 : i64
// FALLBACK-LABEL: func.func @main(
// FALLBACK-SAME: %[[X:[^:]*]]: tensor<2x3x4xf32> {onnx.name = "x"}, %[[S:[^:]*]]: tensor<?xi64> {onnx.name = "s"}
// FALLBACK-DAG: %[[NONE:.*]] = onnx.NoValue
// FALLBACK-DAG: %[[UAXES:.*]] = "onnx.Constant"() <{value = dense<0> : tensor<1xi64>}>
// FALLBACK-DAG: %[[LO:.*]] = "onnx.Constant"() <{value = dense<-1.000000e+00> : tensor<f32>}>
// FALLBACK-DAG: %[[HI:.*]] = "onnx.Constant"() <{value = dense<1.000000e+00> : tensor<f32>}>
// FALLBACK-DAG: %[[ENDS:.*]] = "onnx.Constant"() <{value = dense<2> : tensor<1xi64>}>
// FALLBACK-DAG: %[[SAXES:.*]] = "onnx.Constant"() <{value = dense<3> : tensor<1xi64>}>
// FALLBACK-DAG: %[[SIZES:.*]] = "onnx.Constant"() <{value = dense<[1, 2]> : tensor<2xi64>}>
// FALLBACK: %[[U:.*]] = "onnx.Unsqueeze"(%[[X]], %[[UAXES]])
// FALLBACK: %[[C:.*]] = "onnx.Clip"(%[[U]], %[[LO]], %[[HI]])
// FALLBACK: %[[SL:.*]] = "onnx.Slice"(%[[C]], %{{.*}}, %[[ENDS]], %[[SAXES]], %[[NONE]]) : {{.*}} -> tensor<1x2x3x2xf32>
// FALLBACK: %[[P:.*]]:2 = "onnx.Split"(%[[SL]], %[[SIZES]]) <{axis = 2 : i64}>
// TopK (with K = 1 known) is expanded by the importer: it ranks the split's
// second part along axis 3 and slices the first K.
// FALLBACK: "onnx.Transpose"(%[[P]]#1)
// FALLBACK: "onnx.GatherElements"
// FALLBACK: "onnx.Slice"({{.*}}) : (tensor<1x2x2x2xf32>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, none) -> tensor<1x2x2x1xf32>
// FALLBACK: %[[R:.*]] = "onnx.Reshape"(%[[X]], %[[S]])
// FALLBACK: %[[F:.*]] = "onnx.Flatten"(%[[R]]) <{axis = 1 : i64}>
// FALLBACK: %[[SHAPE:.*]] = "onnx.Shape"(%[[R]])
// FALLBACK: %[[SM:.*]] = "onnx.Softmax"(%[[F]]) <{axis = -1 : i64}>
// FALLBACK: %[[Y:.*]] = "onnx.Reshape"(%[[SM]], %[[SHAPE]])
// FALLBACK: return %[[Y]], %[[P]]#0

// Opset 18-20 forms: reduction `axes` inputs become attributes (and an empty
// reduction with noop_with_empty_axes becomes Identity), Pad/Resize/LpPool
// drop their new attributes when they hold the old behaviour, and GridSample's
// 'linear' is opset 17's 'bilinear'. A form opset 17 lacks is an error.
// RUN: %python %S/Inputs/gen_model.py opset18_mix %t.mix.onnx
// RUN: zellige-translate --import-onnx %t.mix.onnx | FileCheck %s --check-prefix=MIX
// RUN: %python %S/Inputs/gen_model.py opset18_antialias %t.aa.onnx
// RUN: not zellige-translate --import-onnx %t.aa.onnx 2>&1 | FileCheck %s --check-prefix=AA

// MIX-LABEL: func.func @main(
// MIX-SAME: %[[X:[^:]*]]: tensor<1x2x4x4xf32> {onnx.name = "x"}, %[[GRID:[^:]*]]: tensor<1x3x3x2xf32> {onnx.name = "grid"}
// MIX: "onnx.ReduceL2"(%[[X]]) <{axes = [2, 3], keepdims = 0 : i64}> : (tensor<1x2x4x4xf32>) -> tensor<1x2xf32>
// MIX: "onnx.Identity"(%[[X]]) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4xf32>
// MIX: "onnx.ReduceMin"(%[[X]]) <{keepdims = 0 : i64}> : (tensor<1x2x4x4xf32>) -> tensor<f32>
// MIX: "onnx.Pad"(%[[X]], %{{.*}}, %{{.*}}) <{mode = "reflect"}> : (tensor<1x2x4x4xf32>, tensor<8xi64>, none) -> tensor<1x2x6x6xf32>
// MIX: "onnx.Resize"(%[[X]], %{{.*}}, %{{.*}}, %{{.*}}) <{
// MIX-NOT: antialias
// MIX-SAME: mode = "linear"
// MIX-SAME: -> tensor<1x2x8x8xf32>
// MIX: "onnx.LpPool"(%[[X]]) <{auto_pad = "NOTSET", kernel_shape = [2, 2], p = 2 : i64}>
// GridSample-20's 'linear' is opset 17's 'bilinear', which the importer
// expands: four taps, each a GatherElements.
// MIX: "onnx.Slice"(%[[GRID]]
// MIX-COUNT-4: "onnx.GatherElements"
// MIX-NOT: "onnx.GatherElements"

// AA: error: node 'shrink' (Resize): opset 18 form of Resize cannot be expressed at opset 17: antialias=1

// Operators newer than opset 17 with an opset-17 expansion: Gelu-20 (exact
// and tanh), Mish-18; a Pad-18 `axes` input spreads its pads over every
// dimension once inference gives the input's rank.
// RUN: %python %S/Inputs/gen_model.py opset20_expansions %t.expand.onnx
// RUN: zellige-translate --import-onnx %t.expand.onnx | FileCheck %s --check-prefix=EXPAND

// EXPAND-LABEL: func.func @main(
// EXPAND-SAME: %[[X:[^:]*]]: tensor<2x3xf32> {onnx.name = "x"}
// EXPAND-DAG: %[[ONE:.*]] = "onnx.Constant"() <{value = dense<1.000000e+00> : tensor<f32>}>
// EXPAND-DAG: %[[HALF:.*]] = "onnx.Constant"() <{value = dense<5.000000e-01> : tensor<f32>}>
// EXPAND-DAG: %[[SQRT2:.*]] = "onnx.Constant"() <{value = dense<1.41421354> : tensor<f32>}>
// EXPAND-DAG: %[[FULLPADS:.*]] = "onnx.Constant"() <{value = dense<[0, 1, 0, 2]> : tensor<4xi64>}>
// Gelu: 0.5 * x * (1 + erf(x / sqrt(2))), constants cast like x.
// EXPAND: %[[ONEX:.*]] = "onnx.CastLike"(%[[ONE]], %[[X]])
// EXPAND: %[[HALFX:.*]] = "onnx.CastLike"(%[[HALF]], %[[X]])
// EXPAND: %[[SQRT2X:.*]] = "onnx.CastLike"(%[[SQRT2]], %[[X]])
// EXPAND: %[[D:.*]] = "onnx.Div"(%[[X]], %[[SQRT2X]])
// EXPAND: %[[E:.*]] = "onnx.Erf"(%[[D]])
// EXPAND: %[[A:.*]] = "onnx.Add"(%[[E]], %[[ONEX]])
// EXPAND: %[[H:.*]] = "onnx.Mul"(%[[X]], %[[HALFX]])
// EXPAND: %[[G:.*]] = "onnx.Mul"(%[[H]], %[[A]]) : (tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
// Gelu, tanh approximation.
// EXPAND: %[[TH:.*]] = "onnx.Tanh"
// EXPAND: %[[TA:.*]] = "onnx.Add"(%[[TH]],
// EXPAND: %[[TH2:.*]] = "onnx.Mul"(%[[X]],
// EXPAND: %[[GT:.*]] = "onnx.Mul"(%[[TH2]], %[[TA]])
// Mish: x * tanh(softplus(x)).
// EXPAND: %[[SP:.*]] = "onnx.Softplus"(%[[X]])
// EXPAND: %[[T:.*]] = "onnx.Tanh"(%[[SP]])
// EXPAND: %[[M:.*]] = "onnx.Mul"(%[[X]], %[[T]])
// EXPAND: %[[R:.*]] = "onnx.Relu"(%[[X]])
// EXPAND: %[[P:.*]] = "onnx.Pad"(%[[R]], %[[FULLPADS]], %{{.*}}) <{mode = "constant"}> : (tensor<2x3xf32>, tensor<4xi64>, none) -> tensor<2x6xf32>
// EXPAND: return %[[G]], %[[GT]], %[[M]], %[[P]]

// Upsample (gone after opset 9) is Resize with asymmetric coordinates and
// flooring nearest neighbours, which is what Upsample computes.
// RUN: %python %S/Inputs/gen_model.py upsample7 %t.up7.onnx
// RUN: zellige-translate --import-onnx %t.up7.onnx | FileCheck %s --check-prefix=UP7
// RUN: %python %S/Inputs/gen_model.py upsample9 %t.up9.onnx
// RUN: zellige-translate --import-onnx %t.up9.onnx | FileCheck %s --check-prefix=UP9

// UP7: %[[S:.*]] = "onnx.Constant"() <{value = dense<[1.000000e+00, 1.000000e+00, 2.000000e+00, 2.000000e+00]> : tensor<4xf32>}>
// UP7: "onnx.Resize"(%{{.*}}, %{{.*}}, %[[S]], %{{.*}}) <{coordinate_transformation_mode = "asymmetric"{{.*}}mode = "nearest", nearest_mode = "floor"}> : (tensor<1x1x3x3xf32>, none, tensor<4xf32>, none) -> tensor<1x1x6x6xf32>
// UP9: "onnx.Resize"({{.*}}) <{coordinate_transformation_mode = "asymmetric"{{.*}}mode = "linear"{{.*}} -> tensor<1x1x6x6xf32>

// GroupNormalization (18 and 21, which libonnx 1.12 lacks) is normalized over
// [N, G, -1] with ReduceMean; scale and bias apply per group (18) or per
// channel over [N, C, -1] (21); the result takes X's shape back.
// RUN: %python %S/Inputs/gen_model.py groupnorm18 %t.gn18.onnx
// RUN: zellige-translate --import-onnx %t.gn18.onnx | FileCheck %s --check-prefixes=GN,GN18
// RUN: %python %S/Inputs/gen_model.py groupnorm21 %t.gn21.onnx
// RUN: zellige-translate --import-onnx %t.gn21.onnx | FileCheck %s --check-prefixes=GN,GN21

// GN-LABEL: func.func @main(
// GN-SAME: %[[X:[^:]*]]: tensor<2x4x3x3xf32> {onnx.name = "x"}
// GN-DAG: %[[GS:.*]] = "onnx.Constant"() <{value = dense<[0, 2, -1]> : tensor<3xi64>}>
// GN-DAG: %[[EPS:.*]] = "onnx.Constant"() <{value = dense<1.000000e-03> : tensor<f32>}>
// GN: %[[XG:.*]] = "onnx.Reshape"(%[[X]], %[[GS]]) {{.*}} -> tensor<2x2x18xf32>
// GN: %[[MEAN:.*]] = "onnx.ReduceMean"(%[[XG]]) <{axes = [-1], keepdims = 1 : i64}>
// GN: %[[C:.*]] = "onnx.Sub"(%[[XG]], %[[MEAN]])
// GN: %[[SQ:.*]] = "onnx.Mul"(%[[C]], %[[C]])
// GN: %[[VAR:.*]] = "onnx.ReduceMean"(%[[SQ]]) <{axes = [-1], keepdims = 1 : i64}>
// GN: %[[EPSX:.*]] = "onnx.CastLike"(%[[EPS]], %[[X]])
// GN: %[[VE:.*]] = "onnx.Add"(%[[VAR]], %[[EPSX]])
// GN: %[[SD:.*]] = "onnx.Sqrt"(%[[VE]])
// GN: %[[N:.*]] = "onnx.Div"(%[[C]], %[[SD]]) {{.*}} -> tensor<2x2x18xf32>
// GN21: "onnx.Reshape"(%[[N]], %{{.*}}) {{.*}} -> tensor<2x4x9xf32>
// GN18: "onnx.Mul"(%[[N]], %{{.*}}) : (tensor<2x2x18xf32>, tensor<2x1xf32>) -> tensor<2x2x18xf32>
// GN21: "onnx.Mul"(%{{.*}}, %{{.*}}) : (tensor<2x4x9xf32>, tensor<4x1xf32>) -> tensor<2x4x9xf32>
// GN: %[[SHAPE:.*]] = "onnx.Shape"(%[[X]])
// GN: %[[Y:.*]] = "onnx.Reshape"(%{{.*}}, %[[SHAPE]]) {{.*}} -> tensor<2x4x3x3xf32>
// GN: return %[[Y]]
