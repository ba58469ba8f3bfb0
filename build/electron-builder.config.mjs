// electron-builder configuration: `npm run dist` (see README › Desktop app).
// Linux AppImage + deb + tar.gz, macOS dmg, Windows nsis. The app is the bundled main
// process (dist-electron/), the built renderer (dist/renderer/) and the production
// dependencies; the demo project ships beside app.asar (resources/demo) because the
// studio copies it into the user's data folder on first start.
//
// Native modules and wasm are unpacked from app.asar: the OS loads .node/.so/.dll files
// only from real files, and tfjs reads its .wasm with fs. Only the target platform's
// onnxruntime binaries are packed (the npm package carries linux, darwin and win32: ~290 MB).

// onnxruntime-node binaries of every platform but `keep` (its bin/napi-vN/<platform>/ folders)
// and, inside `keep`, every CPU architecture but the one being packed (electron-builder
// expands the ${arch} macro in file patterns)
function otherOnnxPlatforms(keep) {
  return [
    ...['linux', 'darwin', 'win32'].filter((p) => p !== keep).map((p) => `!node_modules/onnxruntime-node/bin/napi-v*/${p}/**`),
    `!node_modules/onnxruntime-node/bin/napi-v*/${keep}/!(\${arch})/**`,
  ];
}

// What goes into app.asar. A platform's own `files` replaces this list (it is not merged),
// so each platform below repeats it with its onnxruntime filter added.
const FILES = [
  'package.json',
  'dist-electron/*.{js,cjs,mjs}',
  'dist/renderer/**/*',
  // source maps and browser bundles: Node loads each tfjs package's dist/*.node.js
  '!**/*.map',
  '!node_modules/@tensorflow/*/dist/{*.min.js,*.min.js.html,*.es2017.js,*.fesm.js,*.esm.js,tsconfig.tsbuildinfo}',
  '!node_modules/@tensorflow/*/dist/miniprogram/**',
  // build by-products and sources of native modules
  '!node_modules/better-sqlite3/{deps,src,docs}/**',
  '!node_modules/better-sqlite3/build/Release/{obj,obj.target,.deps}/**',
  '!node_modules/better-sqlite3/build/Release/{test_extension.node,*.a}',
  '!node_modules/better-sqlite3/build/{deps,*.mk,Makefile,config.gypi,binding.Makefile}',
  // only the bundle runs: the TypeScript loader and its compiler are not needed
  '!node_modules/{tsx,esbuild,@esbuild}/**',
  '!**/*.{md,markdown,ts.map,d.ts,d.mts,d.cts}',
  '!**/{test,tests,__tests__,example,examples,docs}/**',
];

/** @type {import('electron-builder').Configuration} */
export default {
  appId: 'io.github.relevancestudio.app',
  productName: 'Relevance Studio',
  executableName: 'relevance-studio',
  copyright: 'Copyright © Relevance Studio contributors (MIT)',
  directories: { output: 'release', buildResources: 'build' },
  files: FILES,
  extraResources: [{ from: 'demo', to: 'demo', filter: ['**/*', '!tools/**', '!tsconfig.json', '!**/*.ts'] }],
  asar: true,
  asarUnpack: [
    'node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm',
    'node_modules/better-sqlite3/**',
    'node_modules/bindings/**',
    'node_modules/file-uri-to-path/**',
    'node_modules/sharp/**',
    'node_modules/@img/**',
    'node_modules/onnxruntime-node/**',
  ],
  // rebuild native modules (better-sqlite3 is not N-API) for Electron's ABI while packing
  npmRebuild: true,
  nodeGypRebuild: false,
  linux: {
    target: ['AppImage', 'deb', 'tar.gz'],
    category: 'Graphics',
    icon: 'build/icon.png',
    synopsis: 'Turns image-level tags into pixel masks with Relevance-CAM',
    files: [...FILES, ...otherOnnxPlatforms('linux')],
  },
  deb: { packageCategory: 'graphics' },
  mac: {
    target: ['dmg'],
    category: 'public.app-category.graphics-design',
    icon: 'build/icon.png',
    files: [...FILES, ...otherOnnxPlatforms('darwin')],
  },
  win: {
    target: ['nsis'],
    icon: 'build/icon.png',
    files: [...FILES, ...otherOnnxPlatforms('win32')],
  },
  nsis: { oneClick: false, perMachine: false, allowToChangeInstallationDirectory: true },
};
