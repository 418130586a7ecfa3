#!/usr/bin/env python3
"""Generates the Swift layer of ConcertProtocol from protoc's descriptor set.

Usage: generate_swift.py DESCRIPTOR_SET OUTPUT_DIR RPC_OUTPUT_DIR DOMAIN_OUTPUT_DIR PROTOCOL_MD PROTO_DIGEST

For every message it writes a Swift value type with a bridge to the C struct
that protoc-c generated; for every enum a Swift enum; for every service a method
table and typed client calls (into OUTPUT_DIR, ConcertProtocol), and a server
handler protocol with its routes (into RPC_OUTPUT_DIR, ConcertRPC). From the
tags in comments (@code, @domain, @token) it writes each reason's status code,
the domain's reasons with their categories (into DOMAIN_OUTPUT_DIR,
ConcertDomain), each method's need for a token, and the reasons table between
the markers of PROTOCOL_MD.
Comments in the .proto files become `///` doc comments.
"""

import os
import sys

from google.protobuf import descriptor_pb2 as d

F = d.FieldDescriptorProto
SWIFT_KEYWORDS = {"internal", "default", "case", "class", "enum", "func", "import",
                  "in", "is", "let", "operator", "private", "protocol", "public",
                  "return", "self", "static", "struct", "subscript", "super", "switch",
                  "var", "where", "while", "repeat", "true", "false", "nil", "do", "if",
                  "else", "for", "guard", "break", "continue", "init", "deinit", "extension",
                  "fileprivate", "inout", "throw", "throws", "try", "catch", "as", "any", "some"}

SCALARS = {
    F.TYPE_DOUBLE: ("Double", "0"),
    F.TYPE_FLOAT: ("Float", "0"),
    F.TYPE_INT64: ("Int64", "0"),
    F.TYPE_UINT64: ("UInt64", "0"),
    F.TYPE_INT32: ("Int32", "0"),
    F.TYPE_FIXED64: ("UInt64", "0"),
    F.TYPE_FIXED32: ("UInt32", "0"),
    F.TYPE_UINT32: ("UInt32", "0"),
    F.TYPE_SFIXED32: ("Int32", "0"),
    F.TYPE_SFIXED64: ("Int64", "0"),
    F.TYPE_SINT32: ("Int32", "0"),
    F.TYPE_SINT64: ("Int64", "0"),
}


def words(snake):
    return [w for w in snake.lower().split("_") if w]


def camel(snake, upper_first=False):
    parts = []
    for i, w in enumerate(words(snake)):
        if w == "id" and (i > 0 or upper_first):
            parts.append("ID")
        elif i == 0 and not upper_first:
            parts.append(w)
        else:
            parts.append(w[0].upper() + w[1:])
    return "".join(parts)


def escape(name):
    return f"`{name}`" if name in SWIFT_KEYWORDS else name


def c_snake(name):
    """protoc-c's lower-case name of a CamelCase identifier: FooBar -> foo_bar."""
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i > 0 and not name[i - 1].isupper():
            out.append("_")
        elif ch.isupper() and i > 0 and i + 1 < len(name) and name[i + 1].islower() and name[i - 1].isupper():
            out.append("_")
        out.append(ch.lower())
    return "".join(out)


class Model:
    def __init__(self, fds):
        self.files = [f for f in fds.file]
        self.comments = {}
        self.tags = {}
        self.messages = []
        self.enums = []
        self.services = []
        for f in self.files:
            pkg = f.package
            for loc in f.source_code_info.location:
                lines = loc.leading_comments.strip("\n").splitlines()
                tags = {}
                for line in lines:
                    if line.strip().startswith("@"):
                        words = line.split()
                        for i, word in enumerate(words):
                            if word.startswith("@"):
                                value = words[i + 1] if i + 1 < len(words) and not words[i + 1].startswith("@") else True
                                tags[word[1:]] = value
                text = "\n".join(line for line in lines if not line.strip().startswith("@"))
                if text:
                    self.comments[(f.name, tuple(loc.path))] = text
                if tags:
                    self.tags[(f.name, tuple(loc.path))] = tags
            for i, m in enumerate(f.message_type):
                self.messages.append((f, pkg, m, (4, i)))
            for i, e in enumerate(f.enum_type):
                self.enums.append((f, pkg, e, (5, i)))
            for i, s in enumerate(f.service):
                self.services.append((f, pkg, s, (6, i)))
        self.c_prefix = {}
        for f in self.files:
            self.c_prefix[f.package] = "__".join(p[0].upper() + p[1:] for p in f.package.split("."))

    def doc(self, f, path, indent=""):
        text = self.comments.get((f.name, tuple(path)))
        if not text:
            raise SystemExit(f"missing comment for {f.name} {path}: every element of proto/ needs one")
        return "".join(f"{indent}/// {line.strip()}".rstrip() + "\n" for line in text.splitlines())

    def tag(self, f, path, name):
        return self.tags.get((f.name, tuple(path)), {}).get(name)

    def plain_doc(self, f, path):
        return " ".join(line.strip() for line in self.comments.get((f.name, tuple(path)), "").splitlines())

    def c_type(self, pkg, name):
        return f"{self.c_prefix[pkg]}__{name}"

    def c_func(self, pkg, name, suffix):
        return "__".join(pkg.split(".")) + "__" + c_snake(name) + "__" + suffix


def short(type_name):
    return type_name.rsplit(".", 1)[-1]


def strip_prefix(enum_name, value_name):
    prefix = c_snake(enum_name).upper() + "_"
    return value_name[len(prefix):] if value_name.startswith(prefix) else value_name


def enum_case(enum_name, value_name):
    return escape(camel(strip_prefix(enum_name, value_name)))


def field_info(model, pkg, field):
    """(swift type of one element, default, kind) for a field."""
    if field.type in SCALARS:
        swift, default = SCALARS[field.type]
        return swift, default, "scalar"
    if field.type == F.TYPE_BOOL:
        return "Bool", "false", "bool"
    if field.type == F.TYPE_STRING:
        return "String", '""', "string"
    if field.type == F.TYPE_BYTES:
        return "[UInt8]", "[]", "bytes"
    if field.type == F.TYPE_ENUM:
        return short(field.type_name), ".init(rawValue: 0)", "enum"
    if field.type == F.TYPE_MESSAGE:
        return short(field.type_name), "nil", "message"
    raise SystemExit(f"unsupported field type {field.type} of {field.name}")


def swift_field_type(model, pkg, field):
    swift, default, kind = field_info(model, pkg, field)
    if field.label == F.LABEL_REPEATED:
        return f"[{swift}]", "[]"
    if kind == "message":
        return f"{swift}?", "nil"
    return swift, default


def from_c(model, pkg, field, expr):
    swift, _, kind = field_info(model, pkg, field)
    if kind == "scalar":
        return expr
    if kind == "bool":
        return f"{expr} != 0"
    if kind == "string":
        return f"String(cString: {expr})"
    if kind == "bytes":
        return f"CBridge.bytes({expr})"
    if kind == "enum":
        return f"{swift}(rawValue: Int32(bitPattern: {expr}.rawValue))"
    if kind == "message":
        return f"{swift}(cMessage: {expr})"


def to_c(model, pkg, field, expr):
    swift, _, kind = field_info(model, pkg, field)
    if kind == "scalar":
        return expr
    if kind == "bool":
        return f"{expr} ? 1 : 0"
    if kind == "string":
        return f"arena.cString({expr})"
    if kind == "bytes":
        return f"arena.binary({expr})"
    if kind == "enum":
        ctype = model.c_type(pkg, swift)
        return f"{ctype}(rawValue: UInt32(bitPattern: {expr}.rawValue))"
    if kind == "message":
        return f"arena.message({expr})"


def gen_enum(model, f, pkg, e, path):
    name = e.name
    out = [model.doc(f, path).rstrip("\n")]
    out.append(f"public enum {name}: RawRepresentable, Sendable, Hashable, CaseIterable {{")
    for i, v in enumerate(e.value):
        out.append(model.doc(f, path + (2, i), "    ").rstrip("\n"))
        out.append(f"    case {enum_case(name, v.name)}")
    out.append("    /// A value this version of the protocol does not know.")
    out.append("    case unrecognized(Int32)")
    out.append("")
    out.append("    /// Every value this version of the protocol knows.")
    cases = ", ".join("." + enum_case(name, v.name).strip("`") for v in e.value)
    out.append(f"    public static let allCases: [{name}] = [{cases}]")
    out.append("")
    out.append("    /// Creates the value for a wire number.")
    out.append("    public init(rawValue: Int32) {")
    out.append("        switch rawValue {")
    for v in e.value:
        out.append(f"        case {v.number}: self = .{enum_case(name, v.name).strip('`')}")
    out.append("        default: self = .unrecognized(rawValue)")
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// The wire number.")
    out.append("    public var rawValue: Int32 {")
    out.append("        switch self {")
    for v in e.value:
        out.append(f"        case .{enum_case(name, v.name).strip('`')}: {v.number}")
    out.append("        case .unrecognized(let value): value")
    out.append("        }")
    out.append("    }")
    out.append("")
    out.append("    /// The value's name as written in the .proto file without the enum's prefix, e.g. `INVALID_ARGUMENT`.")
    out.append("    public var name: String {")
    out.append("        switch self {")
    for v in e.value:
        out.append(f"        case .{enum_case(name, v.name).strip('`')}: \"{strip_prefix(name, v.name)}\"")
    out.append("        case .unrecognized(let value): String(value)")
    out.append("        }")
    out.append("    }")
    out.append("")
    if name == "ErrorReason":
        out.append("    /// The status code this reason travels with (`@code` in the .proto file); OK for none.")
        out.append("    public var statusCode: StatusCode {")
        out.append("        switch self {")
        for i, v in enumerate(e.value):
            code = model.tag(f, path + (2, i), "code") or "OK"
            out.append(f"        case .{enum_case(name, v.name).strip('`')}: .{enum_case('StatusCode', 'STATUS_CODE_' + code).strip('`')}")
        out.append("        case .unrecognized: .unknown")
        out.append("        }")
        out.append("    }")
        out.append("")
    out.append("    /// Finds the value with this `name`, or nil.")
    out.append("    public init?(name: String) {")
    out.append("        switch name {")
    for v in e.value:
        out.append(f"        case \"{strip_prefix(name, v.name)}\": self = .{enum_case(name, v.name).strip('`')}")
    out.append("        default: return nil")
    out.append("        }")
    out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


def gen_message(model, f, pkg, m, path):
    name = m.name
    ctype = model.c_type(pkg, name)
    out = [model.doc(f, path).rstrip("\n")]
    out.append(f"public struct {name}: ProtoMessage {{")
    out.append(f"    /// The message's fully-qualified protobuf name.")
    out.append(f"    public static let protoName = \"{pkg}.{name}\"")
    fields = list(enumerate(m.field))
    for i, field in fields:
        t, default = swift_field_type(model, pkg, field)
        out.append("")
        out.append(model.doc(f, path + (2, i), "    ").rstrip("\n"))
        out.append(f"    public var {escape(camel(field.name))}: {t}")
    out.append("")
    out.append(f"    /// Creates a `{name}`; every field defaults to its zero value.")
    params = ", ".join(f"{escape(camel(fl.name))}: {swift_field_type(model, pkg, fl)[0]} = {swift_field_type(model, pkg, fl)[1]}"
                       for _, fl in fields)
    out.append(f"    public init({params}) {{")
    for _, fl in fields:
        n = camel(fl.name)
        out.append(f"        self.{n} = {escape(n)}")
    out.append("    }")
    out.append("")
    out.append("    /// Decodes the message from its protobuf encoding.")
    out.append("    public init(serializedBytes bytes: UnsafeRawBufferPointer) throws(ProtoDecodingError) {")
    out.append("        self = try CBridge.decode(Self.self, from: bytes)")
    out.append("    }")
    out.append("")
    out.append("    /// Appends the message's protobuf encoding to `buffer`.")
    out.append("    public func serialize(into buffer: inout ByteBuffer) {")
    out.append("        CBridge.encode(self, into: &buffer)")
    out.append("    }")
    out.append("}")
    out.append("")
    out.append(f"extension {name}: CBridgedMessage {{")
    out.append(f"    package typealias CMessage = {ctype}")
    out.append("")
    out.append(f"    package init(cMessage c: UnsafePointer<{ctype}>) {{")
    if not fields:
        out.append("        self.init()")
    for _, fl in fields:
        n = camel(fl.name)
        cf = f"c.pointee.{fl.name}"
        _, _, kind = field_info(model, pkg, fl)
        if fl.label == F.LABEL_REPEATED:
            element = f"{cf}[index]!" if kind in ("message", "string") else f"{cf}[index]"
            conv = from_c(model, pkg, fl, element)
            out.append(f"        self.{n} = (0..<{'c.pointee.n_' + fl.name}).map {{ index in {conv} }}")
        elif kind == "message":
            conv = from_c(model, pkg, fl, "$0")
            out.append(f"        self.{n} = {cf}.map {{ {conv} }}")
        else:
            out.append(f"        self.{n} = {from_c(model, pkg, fl, cf)}")
    out.append("    }")
    out.append("")
    arena_param = "arena" if fields else "arena _"
    out.append(f"    package func fill(_ c: UnsafeMutablePointer<{ctype}>, {arena_param}: CArena) {{")
    if not fields:
        out.append("        _ = c")
    for _, fl in fields:
        n = "self." + camel(fl.name)
        _, _, kind = field_info(model, pkg, fl)
        if fl.label == F.LABEL_REPEATED:
            conv = to_c(model, pkg, fl, "$0")
            if kind in ("message", "string"):
                conv = f"Optional({conv})"
            out.append(f"        c.pointee.n_{fl.name} = {n}.count")
            if conv == "$0":
                out.append(f"        c.pointee.{fl.name} = arena.array({n})")
            else:
                out.append(f"        c.pointee.{fl.name} = arena.array({n}.map {{ {conv} }})")
        elif kind == "message":
            out.append(f"        c.pointee.{fl.name} = {n}.map {{ {to_c(model, pkg, fl, '$0')} }}")
        else:
            out.append(f"        c.pointee.{fl.name} = {to_c(model, pkg, fl, n)}")
    out.append("    }")
    out.append("")
    out.append("    /// The descriptor protoc-c generated for the message (constant C data, never written).")
    out.append(f"    nonisolated(unsafe) package static let cDescriptor = CBridge.descriptor(initializedBy: {model.c_func(pkg, name, 'init')})")
    out.append("")
    out[-1] = "}"
    return "\n".join(out) + "\n"


def gen_service(model, f, pkg, s, path, messages_by_name):
    name = s.name
    full = f"{pkg}.{name}"
    out = []
    out.append(model.doc(f, path).rstrip("\n"))
    out.append(f"public enum {name} {{")
    out.append(f"    /// The service's fully-qualified name.")
    out.append(f"    public static let name = \"{full}\"")
    for i, meth in enumerate(s.method):
        out.append("")
        out.append(model.doc(f, path + (2, i), "    ").rstrip("\n"))
        req, res = short(meth.input_type), short(meth.output_type)
        out.append(f"    public static let {camel(c_snake(meth.name))} = RPC<{req}, {res}>(")
        token = "true" if model.tag(f, path + (2, i), "token") else "false"
        streaming = ", serverStreaming: true" if meth.server_streaming else ""
        out.append(f"        service: name, method: \"{meth.name}\", requestType: {req}.protoName, responseType: {res}.protoName,")
        out.append(f"        requiresToken: {token}{streaming})")
    out.append("")
    out.append("    /// The service and its methods, in declaration order.")
    methods = ", ".join(f"{camel(c_snake(meth.name))}.descriptor" for meth in s.method)
    out.append(f"    public static let descriptor = ServiceDescriptor(name: name, methods: [{methods}])")
    out.append("}")
    out.append("")
    unary = [(i, meth) for i, meth in enumerate(s.method) if not meth.server_streaming]
    streams = [(i, meth) for i, meth in enumerate(s.method) if meth.server_streaming]
    out.append("extension RPCCaller {")
    for n, (i, meth) in enumerate(unary):
        req, res = short(meth.input_type), short(meth.output_type)
        fn = camel(c_snake(meth.name))
        out.append(model.doc(f, path + (2, i), "    ").rstrip("\n"))
        out.append(f"    public func {fn}(_ request: {req}, timeout: Duration? = nil) async throws(RPCError) -> {res} {{")
        out.append(f"        try await call({name}.{fn}, request, timeout: timeout)")
        out.append("    }")
        req_msg = messages_by_name[meth.input_type.lstrip(".")]
        fields = list(req_msg.field)
        if fields:
            params = ", ".join(f"{escape(camel(fl.name))}: {swift_field_type(model, pkg, fl)[0]}" for fl in fields)
            args = ", ".join(f"{escape(camel(fl.name))}: {escape(camel(fl.name))}" for fl in fields)
            out.append("")
            out.append(model.doc(f, path + (2, i), "    ").rstrip("\n"))
            out.append(f"    public func {fn}({params}, timeout: Duration? = nil) async throws(RPCError) -> {res} {{")
            out.append(f"        try await call({name}.{fn}, {req}({args}), timeout: timeout)")
            out.append("    }")
        else:
            out.append("")
            out.append(model.doc(f, path + (2, i), "    ").rstrip("\n"))
            out.append(f"    public func {fn}(timeout: Duration? = nil) async throws(RPCError) -> {res} {{")
            out.append(f"        try await call({name}.{fn}, {req}(), timeout: timeout)")
            out.append("    }")
        if n + 1 < len(unary):
            out.append("")
    out.append("}")
    if streams:
        out.append("")
        out.append("extension RPCStreamCaller {")
        for n, (i, meth) in enumerate(streams):
            req, res = short(meth.input_type), short(meth.output_type)
            fn = camel(c_snake(meth.name))
            req_msg = messages_by_name[meth.input_type.lstrip(".")]
            fields = list(req_msg.field)
            params = ", ".join(f"{escape(camel(fl.name))}: {swift_field_type(model, pkg, fl)[0]}" for fl in fields)
            args = ", ".join(f"{escape(camel(fl.name))}: {escape(camel(fl.name))}" for fl in fields)
            out.append(model.doc(f, path + (2, i), "    ").rstrip("\n"))
            out.append(f"    public func {fn}({params}) -> AsyncThrowingStream<{res}, any Error> {{")
            out.append(f"        stream({name}.{fn}, {req}({args}))")
            out.append("    }")
            if n + 1 < len(streams):
                out.append("")
        out.append("}")
    return "\n".join(out) + "\n"


def gen_handler(model, f, pkg, s, path):
    name = s.name
    full = f"{pkg}.{name}"
    out = []
    out.append(f"/// Implements `{full}` on a server. A method replies now (it runs on the event loop")
    out.append("/// that read the request, so it must not block for long) or later (see `Reply`); a streaming")
    out.append("/// method keeps its `ServerStream` and sends on it from any thread.")
    out.append(f"public protocol {name}Handler: Sendable {{")
    for i, meth in enumerate(s.method):
        req, res = short(meth.input_type), short(meth.output_type)
        out.append(model.doc(f, path + (2, i), "    ").rstrip("\n"))
        if meth.server_streaming:
            out.append(f"    func {camel(c_snake(meth.name))}(_ request: {req}, context: RequestContext, stream: ServerStream<{res}>) throws")
        else:
            out.append(f"    func {camel(c_snake(meth.name))}(_ request: {req}, context: RequestContext) throws -> Reply<{res}>")
        if i + 1 < len(s.method):
            out.append("")
    out.append("}")
    out.append("")
    out.append(f"extension {name}Handler {{")
    out.append(f"    /// The routes that dispatch `{full}` to this handler.")
    out.append("    public var routes: [Route] {")
    out.append("        [")
    for meth in s.method:
        fn = camel(c_snake(meth.name))
        if meth.server_streaming:
            out.append(f"            Route({name}.{fn}, streaming: {{ request, context, stream in try self.{fn}(request, context: context, stream: stream) }}),")
        else:
            out.append(f"            Route({name}.{fn}, replying: {{ request, context in try self.{fn}(request, context: context) }}),")
    out.append("        ]")
    out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


KINDS = {"INTERNAL": "internalError"}


def gen_domain_reasons(model, sources):
    """The domain's reasons: the ErrorReason values tagged @domain, with their category from @code."""
    f, pkg, e, path = next(item for item in model.enums if item[2].name == "ErrorReason")
    out = [HEADER.format(sources=sources)]
    out.append("extension ConcertError {")
    out.append("    /// The stable machine-readable reason of a failure; the raw value is sent on the wire. Generated from")
    out.append("    /// the `ErrorReason` values of proto/ tagged `@domain`, each with the category of its `@code`.")
    out.append("    public enum Reason: String, Sendable, CaseIterable {")
    kinds = []
    for i, v in enumerate(e.value):
        if not model.tag(f, path + (2, i), "domain"):
            continue
        wire = strip_prefix("ErrorReason", v.name)
        case = enum_case("ErrorReason", v.name)
        code = model.tag(f, path + (2, i), "code")
        kinds.append((case, KINDS.get(code, camel(code))))
        out.append(model.doc(f, path + (2, i), "        ").rstrip("\n"))
        out.append(f"        case {case} = \"{wire}\"")
    out.append("")
    out.append("        /// The category this reason belongs to.")
    out.append("        public var kind: Kind {")
    out.append("            switch self {")
    for case, kind in kinds:
        out.append(f"            case .{case.strip('`')}: .{kind}")
    out.append("            }")
    out.append("        }")
    out.append("    }")
    out.append("}")
    return "\n".join(out) + "\n"


def reasons_table(model):
    """The reasons table of PROTOCOL.md: every ErrorReason but UNSPECIFIED, its code and its comment."""
    f, pkg, e, path = next(item for item in model.enums if item[2].name == "ErrorReason")
    rows = ["| reason | code | when |", "|---|---|---|"]
    for i, v in enumerate(e.value):
        if v.number == 0:
            continue
        code = model.tag(f, path + (2, i), "code")
        text = model.plain_doc(f, path + (2, i)).replace("|", "\\|")
        rows.append(f"| `{strip_prefix('ErrorReason', v.name)}` | {code} | {text} |")
    return "\n".join(rows) + "\n"


TABLE_BEGIN = "<!-- reasons table: generated by tools/generate-protocol from proto/; do not edit -->\n"
TABLE_END = "<!-- end of reasons table -->\n"


def write_reasons_table(model, protocol_md):
    with open(protocol_md) as fh:
        text = fh.read()
    start = text.index(TABLE_BEGIN) + len(TABLE_BEGIN)
    end = text.index(TABLE_END)
    write(protocol_md, text[:start] + reasons_table(model) + text[end:])


HEADER = """// Generated by tools/generate-protocol from {sources}. Do not edit.
// swift-format-ignore-file
"""


def main():
    descriptor_set, out_dir, rpc_out_dir, domain_out_dir, protocol_md, digest = sys.argv[1:7]
    fds = d.FileDescriptorSet()
    with open(descriptor_set, "rb") as fh:
        fds.ParseFromString(fh.read())
    model = Model(fds)
    sources = ", ".join("proto/" + f.name for f in model.files)
    messages_by_name = {f"{pkg}.{m.name}": m for (_, pkg, m, _) in model.messages}

    body = [HEADER.format(sources=sources), "package import CConcertProto", "public import NIOCore", ""]
    for f, pkg, e, path in model.enums:
        body.append(gen_enum(model, f, pkg, e, path))
    for f, pkg, m, path in model.messages:
        if m.nested_type or m.enum_type or m.oneof_decl:
            raise SystemExit(f"{m.name}: nested types and oneofs are not supported by this generator")
        body.append(gen_message(model, f, pkg, m, path))
    write(os.path.join(out_dir, "Messages.swift"), "\n".join(body))

    body = [HEADER.format(sources=sources), ""]
    for f, pkg, s, path in model.services:
        body.append(gen_service(model, f, pkg, s, path, messages_by_name))
    names = ", ".join(f"{s.name}.descriptor" for (_, _, s, _) in model.services)
    body.append("/// Every service of the protocol, in declaration order.")
    body.append("public enum ProtocolServices {")
    body.append("    /// The services and their methods.")
    body.append(f"    public static let all: [ServiceDescriptor] = [{names}]")
    body.append("")
    body.append("    /// The FNV-1a 64-bit digest of the .proto sources this file was generated from; a test checks it is current.")
    body.append(f"    public static let sourceDigest = \"{digest}\"")
    body.append("}")
    write(os.path.join(out_dir, "Services.swift"), "\n".join(body) + "\n")

    body = [HEADER.format(sources=sources), "public import ConcertProtocol", ""]
    for f, pkg, s, path in model.services:
        body.append(gen_handler(model, f, pkg, s, path))
    write(os.path.join(rpc_out_dir, "ServiceHandlers.swift"), "\n".join(body))
    write(os.path.join(domain_out_dir, "ConcertError+Reason.swift"), gen_domain_reasons(model, sources))
    write_reasons_table(model, protocol_md)


def write(path, text):
    with open(path, "w") as fh:
        fh.write(text)


if __name__ == "__main__":
    main()
