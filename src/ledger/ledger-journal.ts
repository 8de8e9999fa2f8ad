import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  closeSync,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';
import type { LedgerEntry } from './ledger-store.js';

/** Options for {@link LedgerJournal}. */
export interface LedgerJournalOptions {
  /** A folder on a local disk, private to the instances of one machine. Created on first use. */
  directory: string;
  /** Start a new segment file once the current one is this large (default 64 MiB). */
  maxSegmentBytes?: number;
}

/**
 * Whole journal lines read back, unparsed, to be acknowledged once the store has them. A store that
 * parses them itself (SQLite, in its worker) spares the event loop the parse and the copy.
 */
export interface RawJournalBatch {
  /** The lines, each ending in a newline except a torn last line of a dead process's segment. */
  text: string;
  /** How many lines `text` holds. */
  lines: number;
  /** @internal */
  segment: Segment;
  /** @internal byte offset just past the last line read. */
  endOffset: number;
}

/** Entries read from the journal, to be acknowledged once the store has them. */
export interface JournalBatch extends RawJournalBatch {
  /** Entries in the order they were appended. */
  entries: LedgerEntry[];
  /** Lines that are not valid entries (a torn last write, a damaged file): to be set aside, not retried. */
  damaged: string[];
}

/** Splits journal text into entries and damaged lines (not JSON, or not a ledger entry); blank lines are skipped. */
export function parseJournalText(text: string): { entries: LedgerEntry[]; damaged: string[] } {
  const entries: LedgerEntry[] = [];
  const damaged: string[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const parsed = JSON.parse(line) as LedgerEntry;
      if (parsed && (parsed.kind === 'request' || parsed.kind === 'feedback')) entries.push(parsed);
      else damaged.push(line);
    } catch {
      damaged.push(line);
    }
  }
  return { entries, damaged };
}

interface Segment {
  path: string;
  fd: number;
  /** Bytes in the file that belong to the journal. */
  size: number;
  /** Bytes already acknowledged as stored. */
  cursor: number;
  /** Whether appends go to this segment. */
  active: boolean;
}

/** The files this process has open, so that a second journal in the same process never claims them. */
const OPEN_SEGMENTS = new Set<string>();
const SEGMENT_NAME = /^segment-(\d+)-\d+-[0-9a-f]+-\d+\.jsonl$/;
/** Longer lines are treated as damage (a sane entry is a few kilobytes). */
const MAX_LINE_BYTES = 64 * 1024 * 1024;
const NEWLINE = 0x0a;

/** The file where entries the store refused or that were damaged are kept for a person to look at. */
export const SET_ASIDE_FILE = 'set-aside.jsonl';

function isProcessAlive(pid: number): boolean {
  // Our own pid on a file we do not hold open is a previous run of this program (pid 1 in a container).
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * An append-only write-ahead journal of ledger entries: one JSON line per entry, appended with a
 * synchronous `write(2)`, so that an entry is in the operating system's page cache (and survives the
 * process being killed) before `append` returns. A drain reads entries back in order and acknowledges
 * them once the store has them; a segment whose every entry is acknowledged is truncated (the
 * current one) or deleted (older ones). Segments left behind by dead processes are claimed at start.
 */
export class LedgerJournal {
  readonly directory: string;
  private readonly maxSegmentBytes: number;
  private readonly segments: Segment[] = [];
  private active: Segment | undefined;
  private sequence = 0;
  private readonly instanceTag = `${Date.now()}-${randomBytes(4).toString('hex')}`;
  private closed = false;

  constructor(options: LedgerJournalOptions) {
    this.directory = resolve(options.directory);
    this.maxSegmentBytes = options.maxSegmentBytes ?? 64 * 1024 * 1024;
  }

  /**
   * Claims the segments of processes that are no longer running (renaming them to this process's
   * name, so that two starting processes never both claim one) and queues their entries for the
   * drain. Returns how many bytes were recovered.
   */
  recover(): number {
    let names: string[];
    try {
      names = readdirSync(this.directory);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw error;
    }
    let recovered = 0;
    for (const name of names.sort()) {
      const match = SEGMENT_NAME.exec(name);
      const path = join(this.directory, name);
      if (!match || OPEN_SEGMENTS.has(path) || isProcessAlive(Number(match[1]))) continue;
      const claimedPath = this.nextSegmentPath();
      try {
        renameSync(path, claimedPath);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue; // another process claimed it
        throw error;
      }
      const fd = openSync(claimedPath, 'r');
      const size = fstatSync(fd).size;
      OPEN_SEGMENTS.add(claimedPath);
      this.segments.push({ path: claimedPath, fd, size, cursor: 0, active: false });
      recovered += size;
      if (size === 0) this.acknowledgeSegment(this.segments[this.segments.length - 1]!, 0);
    }
    return recovered;
  }

  /** Appends one entry durably (against a process kill). Throws when the disk refuses. */
  append(entry: LedgerEntry): void {
    if (this.closed) throw new Error('the ledger journal is closed');
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    let segment = this.active;
    if (segment && segment.size > 0 && segment.size + line.length > this.maxSegmentBytes) {
      segment.active = false;
      segment = undefined;
    }
    if (!segment) segment = this.openActiveSegment();
    // One write call per line: a kill can only tear the last line, which recovery recognises.
    let written = 0;
    while (written < line.length) written += writeSync(segment.fd, line, written, line.length - written);
    segment.size += line.length;
  }

  /** Bytes appended (or recovered) and not yet acknowledged. */
  get pendingBytes(): number {
    let pending = 0;
    for (const segment of this.segments) pending += segment.size - segment.cursor;
    return pending;
  }

  /** The oldest unacknowledged entries, at most `maxEntries`, parsed; undefined when there are none. */
  read(maxEntries: number): JournalBatch | undefined {
    const raw = this.readRaw(maxEntries);
    return raw && { ...raw, ...parseJournalText(raw.text) };
  }

  /** The oldest unacknowledged lines, at most `maxEntries`, as text; undefined when there are none. */
  readRaw(maxEntries: number): RawJournalBatch | undefined {
    for (const segment of this.segments) {
      if (segment.cursor >= segment.size) continue;
      // Lines are about a kilobyte: read enough for a full batch, more only for an unusually long line.
      let chunk = Math.min(Math.max(64 * 1024, maxEntries * 2048), segment.size - segment.cursor);
      for (;;) {
        const length = Math.min(segment.size - segment.cursor, chunk);
        const buffer = Buffer.allocUnsafe(length);
        const bytesRead = readSync(segment.fd, buffer, 0, length, segment.cursor);
        const reachedEnd = segment.cursor + bytesRead >= segment.size;
        const firstNewline = buffer.indexOf(NEWLINE);
        if ((firstNewline < 0 || firstNewline >= bytesRead) && !reachedEnd && chunk < MAX_LINE_BYTES) {
          chunk *= 4;
          continue;
        }
        return this.splitChunk({ segment, buffer, bytesRead, reachedEnd, maxEntries });
      }
    }
    return undefined;
  }

  private splitChunk(chunk: {
    segment: Segment;
    buffer: Buffer;
    bytesRead: number;
    reachedEnd: boolean;
    maxEntries: number;
  }): RawJournalBatch {
    const { segment, buffer, bytesRead, reachedEnd, maxEntries } = chunk;
    let lines = 0;
    let start = 0;
    while (lines < maxEntries) {
      const newline = buffer.indexOf(NEWLINE, start);
      if (newline < 0 || newline >= bytesRead) break;
      lines += 1;
      start = newline + 1;
    }
    if (start === 0 && reachedEnd && !segment.active) {
      // A last line without its newline: the process died inside the write.
      return { text: buffer.toString('utf8', 0, bytesRead), lines: 1, segment, endOffset: segment.cursor + bytesRead };
    }
    if (start === 0) {
      // No newline in 64 MiB, or a file shorter than recorded: give up on these bytes rather than spin.
      const skipped = reachedEnd ? segment.size - segment.cursor : bytesRead;
      return { text: buffer.toString('utf8', 0, bytesRead), lines: 1, segment, endOffset: segment.cursor + skipped };
    }
    return { text: buffer.toString('utf8', 0, start), lines, segment, endOffset: segment.cursor + start };
  }

  /** Marks a batch as stored: its bytes will not be read again and may be reclaimed. */
  acknowledge(batch: RawJournalBatch): void {
    this.acknowledgeSegment(batch.segment, batch.endOffset);
  }

  private acknowledgeSegment(segment: Segment, endOffset: number): void {
    segment.cursor = Math.max(segment.cursor, endOffset);
    if (segment.cursor < segment.size || this.closed) return;
    if (segment.active) {
      // Everything appended is stored: start the file over (O_APPEND writes go to the new end).
      ftruncateSync(segment.fd, 0);
      segment.size = 0;
      segment.cursor = 0;
      return;
    }
    closeSync(segment.fd);
    unlinkSync(segment.path);
    OPEN_SEGMENTS.delete(segment.path);
    this.segments.splice(this.segments.indexOf(segment), 1);
  }

  /** Keeps entries or damaged lines that can never be stored in {@link SET_ASIDE_FILE}, with the reason. */
  setAside(items: { entry?: LedgerEntry; line?: string; reason: string }[]): void {
    if (items.length === 0) return;
    mkdirSync(this.directory, { recursive: true });
    const text = items.map((item) => `${JSON.stringify({ at: new Date().toISOString(), ...item })}\n`).join('');
    appendFileSync(join(this.directory, SET_ASIDE_FILE), text);
  }

  /** Closes the files. Segments with unstored entries stay on disk for the next start to replay. */
  close(): void {
    if (this.closed) return;
    for (const segment of [...this.segments]) {
      const empty = segment.cursor >= segment.size;
      closeSync(segment.fd);
      if (empty) unlinkSync(segment.path);
      OPEN_SEGMENTS.delete(segment.path);
    }
    this.segments.length = 0;
    this.active = undefined;
    this.closed = true;
  }

  private nextSegmentPath(): string {
    this.sequence += 1;
    return join(this.directory, `segment-${process.pid}-${this.instanceTag}-${this.sequence}.jsonl`);
  }

  private openActiveSegment(): Segment {
    mkdirSync(this.directory, { recursive: true });
    const path = this.nextSegmentPath();
    // 'a+': appends always land at the end (also after a truncate), and the drain can read back.
    const fd = openSync(path, 'a+');
    OPEN_SEGMENTS.add(path);
    const segment: Segment = { path, fd, size: 0, cursor: 0, active: true };
    this.segments.push(segment);
    this.active = segment;
    return segment;
  }
}
