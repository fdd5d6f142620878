/* backcoach pose in the browser: MediaPipe Tasks PoseLandmarker, all of it from our own origin.
 *
 * The library (npm @mediapipe/tasks-vision, pinned) is served at /vendor/, its WebAssembly next
 * to it, and the model at /models/ (built from the mediapipe wheel at set-up). The page's
 * Content-Security-Policy (connect-src 'self') blocks the usage metrics the library posts to a
 * Google host; the model runs on without them.
 *
 * createPose(modelUrl) resolves to a detector: detect(source, tMs) gives the 33 landmarks of
 * one video frame as a Float32Array of x, y, z, visibility (x and y fractions of the frame), or
 * null when nobody is seen. It runs on the CPU (WebAssembly) when WebGL is drawn in software:
 * there the GPU delegate is ten times slower and never falls back by itself.
 */

import { FilesetResolver, PoseLandmarker } from "/vendor/@mediapipe/tasks-vision/vision_bundle.mjs";

const WASM_BASE = "/vendor/@mediapipe/tasks-vision/wasm";
export const LANDMARKS = 33;

export function softwareWebGL() {
  try {
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl2") || canvas.getContext("webgl");
    if (!gl) { return true; }
    const info = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer);
  } catch (error) {
    return true;
  }
}

export async function createPose(modelUrl) {
  const delegate = softwareWebGL() ? "CPU" : "GPU";
  const fileset = await FilesetResolver.forVisionTasks(WASM_BASE);
  const landmarker = await PoseLandmarker.createFromOptions(fileset, {
    baseOptions: { modelAssetPath: modelUrl, delegate: delegate },
    runningMode: "VIDEO",
    numPoses: 1,
    minPoseDetectionConfidence: 0.5,
    minPosePresenceConfidence: 0.5,
    minTrackingConfidence: 0.5,
  });
  let lastMs = -1;
  return {
    delegate: delegate,
    detect(source, tMs) {
      // VIDEO mode tracks the person from frame to frame: its times must go up.
      const at = Math.max(lastMs + 1, Math.round(tMs));
      lastMs = at;
      const result = landmarker.detectForVideo(source, at);
      const pose = result.landmarks && result.landmarks[0];
      if (!pose) { return null; }
      const points = new Float32Array(LANDMARKS * 4);
      for (let i = 0; i < LANDMARKS; i++) {
        const p = pose[i];
        points[i * 4] = p.x;
        points[i * 4 + 1] = p.y;
        points[i * 4 + 2] = p.z;
        points[i * 4 + 3] = p.visibility === undefined ? 1 : p.visibility;
      }
      return points;
    },
    close() { landmarker.close(); },
  };
}
