/**
 * A deterministic zip writer for Lambda packages: entries sorted by name, every timestamp pinned to
 * 1980-01-01 00:00 (the earliest MS-DOS date, so no time zone can shift it), mode 0644, DEFLATE at
 * level 9, no extra fields. The same files always give the same bytes, so `filebase64sha256` (and
 * with it `source_code_hash`) changes only when the code does.
 *
 * Format: PKWARE APPNOTE.TXT 6.3 — local file header (4.3.7), central directory header (4.3.12),
 * end of central directory record (4.3.16). Sizes stay far below the ZIP64 limits (Lambda: 250 MB).
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** MS-DOS date of 1980-01-01: (year - 1980) << 9 | month << 5 | day. */
export const PINNED_DOS_DATE = (0 << 9) | (1 << 5) | 1;
export const PINNED_DOS_TIME = 0;
const UNIX_FILE_MODE = 0o100644;
const VERSION_MADE_BY_UNIX = (3 << 8) | 20;
const VERSION_NEEDED = 20;
const METHOD_DEFLATE = 8;
const FLAG_UTF8_NAMES = 0x0800;

interface Entry {
  readonly name: string;
  readonly data: Buffer;
}

/** Every regular file under `dir`, as zip entry names with `/` separators, sorted. */
function collect(dir: string, prefix = ''): Entry[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((d) => {
      const full = path.join(dir, d.name);
      if (d.isDirectory()) return collect(full, `${prefix}${d.name}/`);
      if (!d.isFile()) throw new Error(`cannot package ${full}: only regular files are supported`);
      return [{ name: `${prefix}${d.name}`, data: fs.readFileSync(full) }];
    });
}

/** Zips the contents of `dir` (not the directory itself) into `dest`. Returns the zip bytes. */
export function zipDirectory(dir: string, dest: string): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of collect(dir)) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = zlib.deflateRawSync(entry.data, { level: 9 });
    const crc = zlib.crc32(entry.data);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(FLAG_UTF8_NAMES, 6);
    local.writeUInt16LE(METHOD_DEFLATE, 8);
    local.writeUInt16LE(PINNED_DOS_TIME, 10);
    local.writeUInt16LE(PINNED_DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, name, compressed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(VERSION_MADE_BY_UNIX, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(FLAG_UTF8_NAMES, 8);
    central.writeUInt16LE(METHOD_DEFLATE, 10);
    central.writeUInt16LE(PINNED_DOS_TIME, 12);
    central.writeUInt16LE(PINNED_DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    // extra field length, comment length, disk number start, internal attributes: all 0
    central.writeUInt32LE((UNIX_FILE_MODE << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + compressed.length;
  }
  const centralDirectory = Buffer.concat(centrals);
  const count = centrals.length / 2;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  const zip = Buffer.concat([...locals, centralDirectory, end]);
  fs.writeFileSync(dest, zip);
  return zip;
}
