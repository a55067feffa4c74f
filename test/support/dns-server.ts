import dgram from 'node:dgram';
import net from 'node:net';

/**
 * A tiny authoritative DNS responder on a loopback UDP port, for the DNS checks: A and AAAA records from a
 * table, NXDOMAIN for names it does not know, NOERROR without answers (NODATA) for other types of known
 * names, and no answer at all for the names in `silent` (a server that times out).
 */
export interface DnsZone {
  /** Lower-case name without the final dot -> addresses (IPv4 answer A queries, IPv6 AAAA ones). */
  readonly records: ReadonlyMap<string, readonly string[]>;
  readonly silent?: ReadonlySet<string>;
}

export interface RunningDnsServer {
  readonly port: number;
  /** `127.0.0.1:<port>`, as a check's server parameter. */
  readonly server: string;
  /** The names asked, in order (lower case). */
  readonly queries: string[];
  stop(): Promise<void>;
}

const TYPE_A = 1;
const TYPE_AAAA = 28;
const CLASS_IN = 1;
const RCODE_NXDOMAIN = 3;
const RCODE_FORMERR = 1;

export async function startDnsServer(zone: DnsZone): Promise<RunningDnsServer> {
  const socket = dgram.createSocket('udp4');
  const queries: string[] = [];
  socket.on('message', (message, remote) => {
    const answer = respond(zone, message, queries);
    if (answer) socket.send(answer, remote.port, remote.address);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => resolve());
  });
  const { port } = socket.address();
  return {
    port,
    server: `127.0.0.1:${port}`,
    queries,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}

function respond(zone: DnsZone, query: Buffer, queries: string[]): Buffer | undefined {
  if (query.length < 12) return undefined;
  const question = readQuestion(query);
  if (!question) return header(query, RCODE_FORMERR, 0, 0);
  queries.push(question.name);
  if (zone.silent?.has(question.name)) return undefined;
  const known = zone.records.get(question.name);
  const questionBytes = query.subarray(12, question.end);
  if (!known) return Buffer.concat([header(query, RCODE_NXDOMAIN, 1, 0), questionBytes]);
  const family = question.type === TYPE_A ? 4 : question.type === TYPE_AAAA ? 6 : 0;
  const addresses = known.filter((address) => net.isIP(address) === family);
  const answers = addresses.map((address) => answerRecord(question.type, address));
  return Buffer.concat([header(query, 0, 1, answers.length), questionBytes, ...answers]);
}

function readQuestion(query: Buffer): { name: string; type: number; end: number } | undefined {
  if (query.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let offset = 12;
  while (offset < query.length) {
    const length = query[offset] ?? 0;
    offset += 1;
    if (length === 0) break;
    if (length > 63 || offset + length > query.length) return undefined;
    labels.push(query.toString('latin1', offset, offset + length).toLowerCase());
    offset += length;
  }
  if (offset + 4 > query.length) return undefined;
  const type = query.readUInt16BE(offset);
  if (query.readUInt16BE(offset + 2) !== CLASS_IN) return undefined;
  return { name: labels.join('.'), type, end: offset + 4 };
}

/** The answer's header: the query's id and RD bit, QR and AA set. */
function header(query: Buffer, rcode: number, questions: number, answers: number): Buffer {
  const out = Buffer.alloc(12);
  out.writeUInt16BE(query.readUInt16BE(0), 0);
  const rd = query.readUInt16BE(2) & 0x0100;
  out.writeUInt16BE(0x8000 | 0x0400 | rd | rcode, 2);
  out.writeUInt16BE(questions, 4);
  out.writeUInt16BE(answers, 6);
  return out;
}

function answerRecord(type: number, address: string): Buffer {
  const rdata = type === TYPE_A ? Buffer.from(address.split('.').map(Number)) : ipv6Bytes(address);
  const fixed = Buffer.alloc(12);
  fixed.writeUInt16BE(0xc00c, 0); // a pointer to the question's name
  fixed.writeUInt16BE(type, 2);
  fixed.writeUInt16BE(CLASS_IN, 4);
  fixed.writeUInt32BE(60, 6);
  fixed.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([fixed, rdata]);
}

function ipv6Bytes(address: string): Buffer {
  const [head = '', tail = ''] = address.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':').map((group) => parseInt(group, 16)));
  const before = groups(head);
  const after = address.includes('::') ? groups(tail) : [];
  const all = [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
  const out = Buffer.alloc(16);
  all.forEach((group, i) => out.writeUInt16BE(group, i * 2));
  return out;
}
