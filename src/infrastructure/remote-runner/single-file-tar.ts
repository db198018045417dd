/**
 * A POSIX ustar archive holding one regular file (owner 0:0, mtime 0), for `tar -xf -` on a node: the
 * way a file reaches a root-owned directory through one fixed sudo command (see docs/playbooks.md).
 */
export function singleFileTar(name: string, content: Buffer, mode: number): Buffer {
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(name) || name.startsWith('.')) throw new Error(`singleFileTar: bad file name "${name}"`);
  const header = Buffer.alloc(512, 0);
  const put = (value: string, offset: number, length: number): void => {
    header.write(value, offset, Math.min(length, Buffer.byteLength(value)), 'ascii');
  };
  const octal = (n: number, length: number): string => n.toString(8).padStart(length - 1, '0');
  put(name, 0, 100);
  put(octal(mode & 0o7777, 8), 100, 8);
  put(octal(0, 8), 108, 8); // uid
  put(octal(0, 8), 116, 8); // gid
  put(octal(content.length, 12), 124, 12);
  put(octal(0, 12), 136, 12); // mtime
  put('        ', 148, 8); // checksum field counts as spaces while summing
  put('0', 156, 1); // regular file
  put('ustar\u0000', 257, 6);
  put('00', 263, 2);
  put('root', 265, 32);
  put('root', 297, 32);
  let sum = 0;
  for (const byte of header) sum += byte;
  put(`${sum.toString(8).padStart(6, '0')}\u0000 `, 148, 8);
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return Buffer.concat([header, content, padding, Buffer.alloc(1024, 0)]);
}
