/**
 * The WinSW configuration of the Windows edge worker, for Windows paths with drive letters and
 * spaces: the XML parses, and its arguments split (as the C runtime splits a command line) into
 * exactly the CLI path and the worker command.
 */
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { splitWindowsArgs } from '../../../../tests/support/windows-args.js';
import { quoteWindowsArg, stopTimeoutSeconds, winswServiceXml, type WinswServiceOptions } from './winsw-config.js';

const shop: WinswServiceOptions = {
  role: { domain: 'entegra' },
  nodeExe: 'C:\\Program Files\\nodejs\\node.exe',
  cliPath: 'C:\\Program Files\\mikrosync\\apps\\producer\\dist\\cli.js',
  workDir: 'C:\\ProgramData\\mikrosync',
  logDir: 'C:\\ProgramData\\mikrosync\\logs',
  shutdownTimeoutMs: 20_000,
};

const parse = (xml: string) => new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => name === 'onfailure' || name === 'env' }).parse(xml) as { service: Record<string, unknown> };

describe('WinSW service configuration', () => {
  it('runs node.exe on the compiled CLI as the domain worker, in the directory of .env', () => {
    const s = parse(winswServiceXml(shop)).service;
    expect(s.id).toBe('mikrosync-entegra');
    expect(s.executable).toBe('C:\\Program Files\\nodejs\\node.exe');
    expect(splitWindowsArgs(String(s.arguments))).toEqual(['C:\\Program Files\\mikrosync\\apps\\producer\\dist\\cli.js', 'worker', '--domain', 'entegra']);
    expect(s.workingdirectory).toBe('C:\\ProgramData\\mikrosync');
    expect(s.env).toEqual([{ name: 'NODE_ENV', value: 'production' }]);
    expect(s.startmode).toBe('Automatic');
    expect((s.onfailure as { action: string }[]).every((f) => f.action === 'restart')).toBe(true);
    expect(s.logpath).toBe('C:\\ProgramData\\mikrosync\\logs');
    expect(s.log).toEqual({ mode: 'roll-by-size', sizeThreshold: 10240, keepFiles: 8 });
    expect(s.stopparentprocessfirst).toBe(true);
  });

  it('runs every worker domain, or the producer, for a shop that runs everything on the Windows server', () => {
    const all = parse(winswServiceXml({ ...shop, role: { domain: 'all' } })).service;
    expect(all.id).toBe('mikrosync-all');
    expect(splitWindowsArgs(String(all.arguments)).slice(1)).toEqual(['worker', '--domain', 'all']);
    const producer = parse(winswServiceXml({ ...shop, role: 'producer' })).service;
    expect(producer.id).toBe('mikrosync-producer');
    expect(splitWindowsArgs(String(producer.arguments)).slice(1)).toEqual(['producer']);
  });

  it('waits longer than the shutdown timeout before WinSW kills the process', () => {
    for (const ms of [100, 20_000, 61_500]) {
      const s = parse(winswServiceXml({ ...shop, shutdownTimeoutMs: ms })).service;
      const seconds = Number(/^(\d+) sec$/.exec(String(s.stoptimeout))?.[1]);
      expect(seconds).toBe(stopTimeoutSeconds(ms));
      expect(seconds * 1000).toBeGreaterThan(ms + 5000);
    }
  });

  it('keeps paths with spaces, quotes, trailing backslashes and XML characters intact', () => {
    const odd = ['C:\\Ana Entegra\\mikrosync\\cli.js', 'D:\\R&D <test>\\cli.js', 'C:\\a "b"\\cli.js', 'C:\\dir with space\\', 'C:\\x\\y.js', ''];
    for (const arg of odd) expect(splitWindowsArgs(quoteWindowsArg(arg)), arg).toEqual([arg]);
    const cliPath = 'D:\\R&D Programs\\mikrosync\\apps\\producer\\dist\\cli.js';
    const s = parse(winswServiceXml({ ...shop, cliPath, workDir: 'D:\\R&D Programs\\data' })).service;
    expect(splitWindowsArgs(String(s.arguments))[0]).toBe(cliPath);
    expect(s.workingdirectory).toBe('D:\\R&D Programs\\data');
  });

  it('refuses a path WinSW would expand, and a domain that is not a name', () => {
    expect(() => winswServiceXml({ ...shop, workDir: 'C:\\%TEMP%\\mikrosync' })).toThrow(/workDir .*contains %.*WinSW expands/);
    expect(() => winswServiceXml({ ...shop, role: { domain: 'entegra --full' } })).toThrow(/domain/);
  });
});
