// gpu.js: finds a WebGPU device for the engine before its module starts, because Emscripten 3.1.6
// reads the device from Module.preinitializedWebGPUDevice (emscripten_webgpu_get_device), and
// installs the one shim its 2022 dialect of webgpu.h needs in today's browsers (it calls
// pass.dispatch(), renamed dispatchWorkgroups()). It never throws: without navigator.gpu, without
// an adapter, or when the device request fails, it says why, and the page runs on SIMD.
// Used by loader.js (window.attnGpu); documented with window.attn in README.md.
// Test: tests/e2e/webgpu.test.mjs (with and without --enable-unsafe-webgpu, lost device, refusals).
(function () {
  'use strict';
  const ADAPTER_TIMEOUT_MS = 5000;

  function installShims() {
    const pass = window.GPUComputePassEncoder && window.GPUComputePassEncoder.prototype;
    if (pass && !pass.dispatch && pass.dispatchWorkgroups) pass.dispatch = pass.dispatchWorkgroups;
  }

  function withTimeout(promise, ms, what) {
    return Promise.race([promise, new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`${what} did not answer within ${ms / 1000} s`)), ms))]);
  }

  // A readable adapter name, and whether it is a software (CPU) implementation.
  function describe(adapter) {
    const info = adapter.info || {};
    const parts = [info.description, [info.vendor, info.architecture, info.device].filter(Boolean).join(' ')];
    const name = parts.find((p) => p && p.trim()) || 'unnamed adapter';
    const text = `${name} ${info.vendor || ''} ${info.architecture || ''}`;
    const cpu = Boolean(info.isFallbackAdapter || adapter.isFallbackAdapter) ||
                /swiftshader|llvmpipe|lavapipe|softpipe|software|microsoft basic render/i.test(text);
    return { name, cpu, vendor: info.vendor || '', architecture: info.architecture || '', description: info.description || '' };
  }

  // Resolves with { available, device, adapter, cpu_adapter, notice, vendor, architecture, description }.
  async function acquire() {
    const result = { available: false, device: null, adapter: '', cpu_adapter: false, notice: '',
                     vendor: '', architecture: '', description: '' };
    if (!('gpu' in navigator) || !navigator.gpu) {
      result.notice = 'This browser has no WebGPU (navigator.gpu is missing); using SIMD.';
      return result;
    }
    installShims();
    let adapter = null;
    try {
      adapter = await withTimeout(navigator.gpu.requestAdapter(), ADAPTER_TIMEOUT_MS, 'navigator.gpu.requestAdapter()');
    } catch (err) {
      result.notice = `WebGPU could not be asked for an adapter (${err.message}); using SIMD.`;
      return result;
    }
    if (!adapter) {
      result.notice = 'WebGPU is present but offers no adapter (it is disabled, the GPU is blocklisted, or the ' +
                      'browser runs headless without --enable-unsafe-webgpu); using SIMD.';
      return result;
    }
    const d = describe(adapter);
    Object.assign(result, { adapter: d.name, cpu_adapter: d.cpu, vendor: d.vendor, architecture: d.architecture,
                            description: d.description });
    try {
      result.device = await withTimeout(adapter.requestDevice(), ADAPTER_TIMEOUT_MS, 'adapter.requestDevice()');
    } catch (err) {
      result.notice = `The WebGPU adapter "${d.name}" refused a device (${err.message}); using SIMD.`;
      return result;
    }
    if (!result.device) {
      result.notice = `The WebGPU adapter "${d.name}" gave no device; using SIMD.`;
      return result;
    }
    result.available = true;
    return result;
  }

  window.attnGpu = { acquire, installShims };
})();
