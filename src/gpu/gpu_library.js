// gpu_library.js: JavaScript the WebGPU backend needs and Emscripten 3.1.6 lacks (linked with
// --js-library by src/gpu/gpu.cmake). Its wgpuShaderModuleGetCompilationInfo aborts ("unimplemented"),
// so the compilation messages (line, column, text) are read here from GPUShaderModule directly.
// Test: tests/e2e/webgpu.test.mjs (a broken shader is reported with its line and message).
mergeInto(LibraryManager.library, {
  attn_gpu_compilation_info__deps: ['$WebGPU', 'malloc', 'free'],
  attn_gpu_compilation_info: function(moduleId, token) {
    var module = WebGPU.mgrShaderModule.get(moduleId);
    var send = function(type, line, column, text) {
      var bytes = lengthBytesUTF8(text) + 1;
      var ptr = _malloc(bytes);
      stringToUTF8(text, ptr, bytes);
      _attn_gpu_compilation_message(token, type, line, column, ptr);
      _free(ptr);
    };
    var types = { info: 0, warning: 1, error: 2 };
    if (!module || typeof module.getCompilationInfo !== 'function') {
      send(2, 0, 0, 'this browser cannot report WGSL compilation messages (no getCompilationInfo)');
      _attn_gpu_compilation_done(token);
      return;
    }
    module.getCompilationInfo().then(function(info) {
      for (var i = 0; i < info.messages.length; ++i) {
        var m = info.messages[i];
        send(m.type in types ? types[m.type] : 2, m.lineNum || 0, m.linePos || 0, String(m.message));
      }
      _attn_gpu_compilation_done(token);
    }, function(err) {
      send(2, 0, 0, 'getCompilationInfo failed: ' + (err && err.message ? err.message : String(err)));
      _attn_gpu_compilation_done(token);
    });
  },
});
