#!/usr/bin/env python3
"""Checks of the slatrack package, run by ctest (tests/installer/CMakeLists.txt).

    check_package.py build    --build-dir B --work W --version V
    check_package.py files    --work W --version V
    check_package.py desktop  --work W
    check_package.py metainfo --work W --version V
    check_package.py units    --work W
    check_package.py man      --work W --version V
    check_package.py completion --work W
    check_package.py cli-docs --slatrack BIN --doc FILE [--man FILE]

"build" runs cpack into W/out (reusing the built binary: the install step
copies it, nothing is compiled) and unpacks the .deb with dpkg-deb -x into
W/root; the other checks read that root, so they test what a user installs.
Each check prints what it found and exits 1 on a problem, 77 when a tool it
needs cannot run here (ctest reports that as skipped, with the reason).
"""

import argparse
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
APP_ID = "org.slatrack.slatrack"

problems = []


def problem(message):
    problems.append(message)
    print("FAIL: " + message)


def ok(message):
    print("ok: " + message)


def run(cmd, **kwargs):
    """Runs cmd, returns (exit status, stdout, stderr) as text."""
    completed = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    return completed.returncode, completed.stdout, completed.stderr


def rendered_man(page, width):
    """The page as man shows it, without the overstrike bold and underline
    it uses when writing to a pipe."""
    # C.UTF-8 always exists on Debian: a LANG naming a locale that is not
    # generated would make man warn on stderr, which the check counts.
    env = dict(os.environ, MANWIDTH=str(width), LC_ALL="C.UTF-8")
    status, text, stderr = run(["man", "-l", page], env=env)
    return status, re.sub(r".\x08", "", text), stderr


def finish():
    if problems:
        print("%d problem(s)" % len(problems))
        sys.exit(1)
    sys.exit(0)


def root_of(work):
    return os.path.join(work, "root")


def the_deb(work):
    debs = glob.glob(os.path.join(work, "out", "slatrack_*.deb"))
    if len(debs) != 1:
        problem("expected one slatrack_*.deb in %s/out, found %s" % (work, debs))
        finish()
    return debs[0]


def cmd_build(args):
    out = os.path.join(args.work, "out")
    root = root_of(args.work)
    for path in (out, root):
        shutil.rmtree(path, ignore_errors=True)
        os.makedirs(path)
    status, stdout, stderr = run(["cpack", "-G", "DEB;TGZ", "-B", out, "--config",
                                  os.path.join(args.build_dir, "CPackConfig.cmake")])
    if status != 0:
        problem("cpack failed (%d):\n%s%s" % (status, stdout, stderr))
        finish()
    deb = the_deb(args.work)
    expected_name = "slatrack_%s_" % args.version
    if not os.path.basename(deb).startswith(expected_name):
        problem("package %s is not named %s<arch>.deb" % (os.path.basename(deb), expected_name))
    tarballs = glob.glob(os.path.join(out, "slatrack-%s-*.tar.gz" % args.version))
    if len(tarballs) != 1:
        problem("expected one slatrack-%s-*.tar.gz, found %s" % (args.version, os.listdir(out)))
    else:
        status, listing, _ = run(["tar", "-tzf", tarballs[0]])
        if status != 0 or not any(line.endswith("/bin/slatrack") for line in listing.splitlines()):
            problem("the tarball holds no bin/slatrack")
        else:
            ok("tarball %s holds bin/slatrack" % os.path.basename(tarballs[0]))
    status, _, stderr = run(["dpkg-deb", "-x", deb, root])
    if status != 0:
        problem("dpkg-deb -x failed: " + stderr)
    else:
        ok("built and unpacked %s (%d bytes)" % (os.path.basename(deb), os.path.getsize(deb)))
    finish()


def cmd_files(args):
    root = root_of(args.work)
    deb = the_deb(args.work)
    expected = [
        "usr/bin/slatrack",
        "usr/share/applications/%s.desktop" % APP_ID,
        "usr/share/icons/hicolor/scalable/apps/%s.svg" % APP_ID,
        "usr/share/metainfo/%s.metainfo.xml" % APP_ID,
        "usr/share/man/man1/slatrack.1.gz",
        "usr/share/bash-completion/completions/slatrack",
        "usr/lib/systemd/system/slatrack@.service",
        "usr/lib/systemd/user/slatrack.service",
        "usr/share/slatrack/examples/example.json",
        "usr/share/slatrack/examples/demo.json",
        "usr/share/doc/slatrack/user-guide.md",
        "usr/share/doc/slatrack/config-reference.md",
        "usr/share/doc/slatrack/cli-reference.md",
    ]
    for rel in expected:
        if not os.path.isfile(os.path.join(root, rel)):
            problem("missing from the package: /" + rel)
    ok("%d expected files checked" % len(expected))

    binary = os.path.join(root, "usr/bin/slatrack")
    status, stdout, stderr = run([binary, "--version"])
    lines = stdout.strip().splitlines()
    if status != 0 or not lines or lines[0] != "slatrack " + args.version:
        problem("slatrack --version from the package: exit %d, %r %r (expected 'slatrack %s')"
                % (status, stdout, stderr, args.version))
    # The release build runs on jemalloc with app/allocator.cpp's settings
    # (the ingest rate and peak RSS of issue #9 depend on them).
    if len(lines) < 2 or not lines[1].startswith("allocator: jemalloc ") or "narenas 2" not in lines[1] or "dirty_decay_ms 200" not in lines[1]:
        problem("slatrack --version from the package does not report jemalloc with narenas 2 and dirty_decay_ms 200: %r" % stdout)
    else:
        ok("packaged slatrack --version: " + stdout.strip())
    status, stdout, stderr = run([binary, "audit", "--help"])
    if status != 0 or "usage: slatrack audit" not in stdout:
        problem("slatrack audit --help from the package: exit %d, %r %r" % (status, stdout, stderr))
    else:
        ok("packaged slatrack audit --help")

    # Runtime dependencies: dpkg-shlibdeps' libraries plus the Qt plugins.
    status, control, _ = run(["dpkg-deb", "-f", deb, "Depends", "Version", "Package"])
    depends = control.split("\n")[0].replace("Depends: ", "", 1) if control else ""
    for needed in ("libqt6core6", "libqt6widgets6", "libqt6charts6", "librdkafka", "libsqlite3", "libc6",
                   "qt6-qpa-plugins", "libqt6svg6"):
        if needed not in depends:
            problem("Depends lacks %s: %s" % (needed, depends))
    if ("Version: " + args.version) not in control:
        problem("control Version is not %s:\n%s" % (args.version, control))
    ok("Depends: " + depends)
    finish()


def cmd_desktop(args):
    if shutil.which("desktop-file-validate") is None:
        print("SKIP: desktop-file-validate is not installed (Debian package desktop-file-utils)")
        sys.exit(SKIP)
    path = os.path.join(root_of(args.work), "usr/share/applications/%s.desktop" % APP_ID)
    status, stdout, stderr = run(["desktop-file-validate", path])
    # It exits 0 on warnings; any line it prints is a finding.
    if status != 0 or stdout.strip() or stderr.strip():
        problem("desktop-file-validate %s: exit %d\n%s%s" % (path, status, stdout, stderr))
    else:
        ok("desktop-file-validate: clean")
    text = open(path, encoding="utf-8").read()
    entries = dict(line.split("=", 1) for line in text.split("\n[Desktop Action")[0].splitlines()
                   if "=" in line and not line.startswith("#"))
    if entries.get("Exec") != "slatrack %u":
        problem("Exec is %r, expected 'slatrack %%u' (deep links arrive as the argument)" % entries.get("Exec"))
    if "x-scheme-handler/slatrack" not in entries.get("MimeType", "").split(";"):
        problem("MimeType %r does not register x-scheme-handler/slatrack" % entries.get("MimeType"))
    icon = entries.get("Icon", "")
    if not os.path.isfile(os.path.join(root_of(args.work), "usr/share/icons/hicolor/scalable/apps", icon + ".svg")):
        problem("Icon=%s names no installed icon" % icon)
    ok("Exec, MimeType and Icon checked")
    finish()


def cmd_metainfo(args):
    if shutil.which("appstreamcli") is None:
        print("SKIP: appstreamcli is not installed (Debian package appstream)")
        sys.exit(SKIP)
    path = os.path.join(root_of(args.work), "usr/share/metainfo/%s.metainfo.xml" % APP_ID)
    status, stdout, stderr = run(["appstreamcli", "validate", "--no-net", "--pedantic", path])
    findings = [line for line in (stdout + stderr).splitlines() if re.match(r"^[EWIP]: ", line)]
    if status != 0 or findings:
        problem("appstreamcli validate --no-net --pedantic: exit %d\n%s%s" % (status, stdout, stderr))
    else:
        ok("appstreamcli validate --pedantic: clean")
    text = open(path, encoding="utf-8").read()
    if ('<release version="%s"' % args.version) not in text:
        problem("metainfo has no <release version=\"%s\">" % args.version)
    if ("<launchable type=\"desktop-id\">%s.desktop</launchable>" % APP_ID) not in text:
        problem("metainfo does not launch %s.desktop" % APP_ID)
    ok("release version and launchable checked")
    finish()


def cmd_units(args):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        print("SKIP: systemd-analyze is not installed")
        sys.exit(SKIP)
    root = root_of(args.work)
    binary = os.path.join(root, "usr/bin/slatrack")
    with tempfile.TemporaryDirectory() as tmp:
        # verify checks that ExecStart is executable: point it at the
        # unpacked binary (the units name /usr/bin/slatrack, where the
        # package puts it). --man=no: the man page is the "man" check's.
        def staged(rel, name):
            text = open(os.path.join(root, rel), encoding="utf-8").read()
            if "ExecStart=/usr/bin/slatrack " not in text:
                problem("%s does not start /usr/bin/slatrack" % rel)
            target = os.path.join(tmp, name)
            with open(target, "w", encoding="utf-8") as out:
                out.write(text.replace("/usr/bin/slatrack", binary))
            return text

        system_text = staged("usr/lib/systemd/system/slatrack@.service", "slatrack@.service")
        staged("usr/lib/systemd/user/slatrack.service", "slatrack.service")
        runtime = os.path.join(tmp, "runtime")
        os.mkdir(runtime, 0o700)
        env = dict(os.environ, XDG_RUNTIME_DIR=runtime)
        checks = [
            ("system unit slatrack@orders", [analyze, "verify", "--man=no", os.path.join(tmp, "slatrack@orders.service")], os.environ),
            ("user unit slatrack", [analyze, "verify", "--user", "--man=no", os.path.join(tmp, "slatrack.service")], env),
        ]
        for label, cmd, cmd_env in checks:
            status, stdout, stderr = run(cmd, env=cmd_env)
            if "Failed to initialize manager" in stderr or "Failed to connect" in stderr:
                print("SKIP: systemd-analyze verify cannot run here: " + stderr.strip())
                sys.exit(SKIP)
            # verify exits 0 on unknown keys and bad values: any output is a finding.
            if status != 0 or stdout.strip() or stderr.strip():
                problem("systemd-analyze verify %s: exit %d\n%s%s" % (label, status, stdout, stderr))
            else:
                ok("systemd-analyze verify %s: clean" % label)
        for setting in ("DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "PrivateTmp=yes",
                        "StateDirectory=slatrack", "--store ${STATE_DIRECTORY}/%i.db", "-c /etc/slatrack/%i.json"):
            if setting not in system_text:
                problem("the system unit lacks " + setting)
        ok("system unit hardening settings present")
        status, stdout, stderr = run([analyze, "security", "--offline=true", os.path.join(tmp, "slatrack@orders.service")])
        match = re.search(r"Overall exposure level for \S+: ([0-9.]+)", stdout + stderr)
        if match:
            print("systemd-analyze security --offline: exposure %s (0 safest, 10 unsafe)" % match.group(1))
            if float(match.group(1)) > 3.0:
                problem("exposure %s: a hardening setting was lost" % match.group(1))
    finish()


def cmd_man(args):
    page = os.path.join(root_of(args.work), "usr/share/man/man1/slatrack.1.gz")
    status, roff, stderr = run(["sh", "-c", "gzip -dc \"$1\"", "sh", page])
    if status != 0:
        problem("cannot decompress %s: %s" % (page, stderr))
        finish()
    if shutil.which("groff") is None:
        print("SKIP: groff is not installed")
        sys.exit(SKIP)
    status, stdout, stderr = run(["groff", "-man", "-ww", "-z"], input=roff)
    if status != 0 or stdout.strip() or stderr.strip():
        problem("groff -man -ww -z: exit %d\n%s%s" % (status, stdout, stderr))
    else:
        ok("groff -man -ww -z: no warnings")
    status, text, stderr = rendered_man(page, 100)
    if status != 0 or stderr.strip():
        problem("man -l: exit %d %s" % (status, stderr))
    if ("slatrack " + args.version) not in text:
        problem("the man page does not carry version %s" % args.version)
    for heading in ("NAME", "SYNOPSIS", "MODES", "OPTIONS", "CONFIGURATION", "FILES", "EXAMPLES"):
        if not re.search(r"^" + heading + r"$", text, re.M):
            problem("man page lacks section " + heading)
    ok("man -l renders %d lines" % len(text.splitlines()))
    finish()


# Mode -> the arguments that print its help. "" is the top level.
MODES = {
    "": ["--help"],
    "headless": ["--headless", "--help"],
    "audit": ["audit", "--help"],
    "lookup": ["lookup", "--help"],
    "test-page": ["test-page", "--help"],
    "broker": ["broker", "--help"],
    "simulate": ["simulate", "--help"],
}

FLAG = re.compile(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[A-Za-z](?![\w]))")


def help_flags(binary, mode):
    """The flags one mode's --help names: on its usage lines and on the lines
    that define an option (first word a flag), so that prose such as
    "kcat -L -t NAME" does not count."""
    status, stdout, stderr = run([binary] + MODES[mode])
    if status != 0:
        problem("slatrack %s: exit %d %s" % (" ".join(MODES[mode]), status, stderr))
        return []
    flags = []
    for line in stdout.splitlines():
        words = line.split()
        if not words:
            continue
        if words[0].lower() in ("usage:", "slatrack") or words[0].startswith("-"):
            for flag in FLAG.findall(line):
                if flag not in flags:
                    flags.append(flag)
    return flags


def completion(script, words):
    """COMPREPLY of the completion for the words typed (the last one is being completed)."""
    quoted = " ".join("'%s'" % word for word in words)
    code = 'source "$1"; COMP_WORDS=(%s); COMP_CWORD=%d; _slatrack; printf "%%s\\n" "${COMPREPLY[@]}"' % (
        quoted, len(words) - 1)
    status, stdout, stderr = run(["bash", "-c", code, "bash", script])
    if status != 0:
        problem("completion of %r failed: %s" % (words, stderr))
    return [line for line in stdout.splitlines() if line]


def cmd_completion(args):
    root = root_of(args.work)
    script = os.path.join(root, "usr/share/bash-completion/completions/slatrack")
    binary = os.path.join(root, "usr/bin/slatrack")
    status, _, stderr = run(["bash", "-n", script])
    if status != 0:
        problem("bash -n: " + stderr)
        finish()
    ok("bash -n: syntax fine")
    modes = completion(script, ["slatrack", ""])
    for mode in ("audit", "lookup", "test-page", "broker", "simulate"):
        if mode not in modes:
            problem("'slatrack <TAB>' does not offer %s: %s" % (mode, modes))
    for mode, help_args in MODES.items():
        typed = ["slatrack"] + ([help_args[0]] if mode else []) + ["-"]
        offered = completion(script, typed)
        # The top-level help lists every mode's usage; its own flags are the
        # GUI's and the global ones.
        flags = help_flags(binary, mode) if mode else ["-c", "--config", "--demo", "--war-room", "--store",
                                                       "--headless", "-h", "--help", "-V", "--version"]
        # After "--headless" the mode's own word is not offered again.
        missing = [flag for flag in flags if flag not in offered and not (mode and flag == help_args[0])]
        if missing:
            problem("completion of %r lacks %s (offered: %s)" % (" ".join(typed), missing, offered))
        else:
            ok("completion of %r offers all %d flags of its --help" % (" ".join(typed), len(flags)))
    with tempfile.TemporaryDirectory() as tmp:
        open(os.path.join(tmp, "orders.json"), "w").close()
        open(os.path.join(tmp, "notes.txt"), "w").close()
        cwd = os.getcwd()
        os.chdir(tmp)
        try:
            configs = completion(script, ["slatrack", "audit", "-c", ""])
        finally:
            os.chdir(cwd)
        if configs != ["orders.json"]:
            problem("'slatrack audit -c <TAB>' offers %s, expected only orders.json" % configs)
        else:
            ok("'slatrack audit -c <TAB>' offers the JSON file only")
    finish()


def doc_sections(text):
    """Maps each '## ' heading of a markdown document to its text."""
    sections = {}
    current = None
    for line in text.splitlines():
        if line.startswith("## "):
            current = line[3:].strip()
            sections[current] = ""
        elif current is not None:
            sections[current] += line + "\n"
    return sections


# Mode -> the heading of its section in docs/cli-reference.md.
DOC_HEADINGS = {
    "": "slatrack (the dashboard)",
    "headless": "slatrack --headless",
    "audit": "slatrack audit",
    "lookup": "slatrack lookup",
    "test-page": "slatrack test-page",
    "broker": "slatrack broker",
    "simulate": "slatrack simulate",
}


def cmd_cli_docs(args):
    doc = open(args.doc, encoding="utf-8").read()
    sections = doc_sections(doc)
    man_text = ""
    if args.man:
        _, man_text, _ = rendered_man(args.man, 200)
    for mode, heading in DOC_HEADINGS.items():
        section = sections.get(heading)
        if section is None:
            problem("%s has no section '## %s'" % (args.doc, heading))
            continue
        flags = help_flags(args.slatrack, mode)
        if not mode:
            # The top-level help repeats every mode's usage: only its global
            # flags and the dashboard's are this section's.
            flags = [flag for flag in flags if flag in ("-h", "--help", "-V", "--version", "--demo", "-c", "--config")]
        missing = [flag for flag in flags if not re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", section)]
        if missing:
            problem("'## %s' does not document %s (from slatrack %s)" % (heading, missing, " ".join(MODES[mode])))
        else:
            ok("'## %s' documents all %d flags of its --help" % (heading, len(flags)))
        if man_text:
            missing = [flag for flag in flags if not re.search(r"(?<![\w-])" + re.escape(flag) + r"(?![\w-])", man_text)]
            if missing:
                problem("the man page does not document %s (from slatrack %s)" % (missing, " ".join(MODES[mode])))
    finish()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("check", choices=["build", "files", "desktop", "metainfo", "units", "man", "completion", "cli-docs"])
    parser.add_argument("--build-dir")
    parser.add_argument("--work")
    parser.add_argument("--version")
    parser.add_argument("--slatrack")
    parser.add_argument("--doc")
    parser.add_argument("--man")
    args = parser.parse_args()
    {
        "build": cmd_build,
        "files": cmd_files,
        "desktop": cmd_desktop,
        "metainfo": cmd_metainfo,
        "units": cmd_units,
        "man": cmd_man,
        "completion": cmd_completion,
        "cli-docs": cmd_cli_docs,
    }[args.check](args)


if __name__ == "__main__":
    main()
