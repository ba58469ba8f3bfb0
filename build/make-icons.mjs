// Renders build/icon.svg to the PNG electron-builder turns into every platform's icon
// (AppImage/deb PNG set, macOS .icns, Windows .ico: 1024 px covers them all).
//   node build/make-icons.mjs
import sharp from 'sharp';

const svg = new URL('./icon.svg', import.meta.url);
const png = new URL('./icon.png', import.meta.url);
await sharp(svg.pathname, { density: 144 }).resize(1024, 1024).png({ compressionLevel: 9 }).toFile(png.pathname);
console.log(`wrote ${png.pathname}`);
