// `dockui save` / `dockui load`: image archives. save is docker-archive.ts; load indexes and
// checks an archive in archive-index.ts, then writes it into the store in import.ts.
export { saveImages, saveToFile, saveToStream, type SaveOptions } from './docker-archive.js';
export { loadArchive, loadArchiveStream } from './import.js';
export type { LoadOptions, LoadedImage } from './archive-index.js';
