/** sshpk's reader of SSH wire-format fields (strings and buffers prefixed by their length); it ships no types. */
declare module 'sshpk/lib/ssh-buffer.js' {
  export default class SSHBuffer {
    constructor(options: { buffer: Buffer });
    readString(): string;
    readBuffer(): Buffer;
    atEnd(): boolean;
  }
}
