// A terminal cannot show an image or hand over a file: write them under a directory and say where,
// in place of the attachment (the console's command replies and the alerts it prints).
import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { note, type Reply } from './reply.js';

async function save(dir: string | undefined, name: string, data: Buffer, what: string): Promise<string> {
  if (!dir) return `${what} not saved: no data directory.`;
  const path = join(dir, basename(name));
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(path, data);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    return `${what} not saved: cannot write ${path} (${code}).`;
  }
  return `${what} saved to ${path}`;
}

/** The reply without its image and file, each replaced by a note giving the saved path (or why not). */
export async function saveAttachments(reply: Reply, dir: string | undefined): Promise<Reply> {
  const { image, file, ...rest } = reply;
  if (!image && !file) return reply;
  const notes: string[] = [];
  if (image) notes.push(await save(dir, image.filename, image.png, 'Chart'));
  if (file) notes.push(await save(dir, file.filename, file.data, 'File'));
  return { ...rest, blocks: [...rest.blocks, ...notes.map(note)] };
}
