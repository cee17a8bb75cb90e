# test/lit.cfg.py - lit configuration for Zellige's FileCheck tests.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "Zellige"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "e2e", "unit", "runtime", "lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt"]
# One configuration serves test/ and targets/ (each target keeps its lit
# tests in targets/<name>/test); the site file names the suite's root.
config.test_source_root = config.zellige_suite_src
config.test_exec_root = config.zellige_suite_obj

config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%src_root", config.zellige_src_root))
config.substitutions.append(("%inputs", os.path.join(config.zellige_src_root, "test", "Inputs")))

llvm_config.with_system_environment(["HOME", "PATH", "PYTHONPATH", "TMPDIR"])
llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.zellige_tools_dir, append_path=True)

tools = ["zellige", "zellige-opt", "zellige-translate", "onnx-ods-gen"]
llvm_config.add_tool_substitutions(tools, [config.zellige_tools_dir])

# External checkers of emitted kernels; tests that need one say
# `REQUIRES: <name>` and are reported unsupported where it is missing.
import shutil

_cuda_bin = os.environ.get("CUDA_HOME", "/usr/local/cuda") + "/bin"
for _name, _path in [
    ("ptxas", shutil.which("ptxas") or shutil.which("ptxas", path=_cuda_bin)),
    ("nvcc", shutil.which("nvcc") or shutil.which("nvcc", path=_cuda_bin)),
    ("spirv-val", shutil.which("spirv-val")),
    ("clang", shutil.which("clang", path=config.llvm_tools_dir) or shutil.which("clang")),
]:
    if _path:
        config.available_features.add(_name)
        config.substitutions.append(("%" + _name.replace("-", "_"), _path))
