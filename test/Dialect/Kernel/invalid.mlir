// RUN: zellige-opt %s -split-input-file -verify-diagnostics

func.func @illegal_value(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{knob 'tile.0' has value 3, which is not among its legal values}}
  %r = kernel.dispatch @d (%a : tensor<4xf32>) config <"elementwise", [<"tile.0" = 3 in [1, 2, 4], "heuristic">]> -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    kernel.yield %x : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @bad_source(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{knob 'tile.0' has unknown source 'guess' (expected heuristic, user, tuned or estimated)}}
  %r = kernel.dispatch @d (%a : tensor<4xf32>) config <"elementwise", [<"tile.0" = 2 in [1, 2, 4], "guess">]> -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    kernel.yield %x : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @arg_mismatch(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kernel.dispatch' op operand #0 has type 'tensor<4xf32>' but body argument #0 has type 'tensor<8xf32>'}}
  %r = kernel.dispatch @d (%a : tensor<4xf32>) config <"elementwise", [<"tile.0" = 1 in [1], "heuristic">]> -> tensor<4xf32> {
  ^bb0(%x: tensor<8xf32>):
    %s = tensor.extract_slice %x[0] [4] [1] : tensor<8xf32> to tensor<4xf32>
    kernel.yield %s : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @arg_count(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kernel.dispatch' op has 1 operands but its body takes 0 arguments}}
  %r = kernel.dispatch @d (%a : tensor<4xf32>) config <"elementwise", [<"tile.0" = 1 in [1], "heuristic">]> -> tensor<4xf32> {
  ^bb0:
    %e = tensor.empty() : tensor<4xf32>
    kernel.yield %e : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @yield_types(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kernel.dispatch' op yields 1 values whose types differ from its results}}
  %r = kernel.dispatch @d (%a : tensor<4xf32>) config <"elementwise", [<"tile.0" = 1 in [1], "heuristic">]> -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    %e = tensor.empty() : tensor<2xf32>
    kernel.yield %e : tensor<2xf32>
  }
  return %r : tensor<4xf32>
}

// -----

func.func @duplicate_knob(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'kernel.dispatch' op config names knob 'tile.0' twice}}
  %r = kernel.dispatch @d (%a : tensor<4xf32>) config <"elementwise", [<"tile.0" = 2 in [2], "heuristic">, <"tile.0" = 2 in [2], "heuristic">]> -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    kernel.yield %x : tensor<4xf32>
  }
  return %r : tensor<4xf32>
}
