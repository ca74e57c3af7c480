package dev.txc.runtime;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The words for an I/O failure: what went wrong, never just the file name (the JDK's {@code NoSuchFileException}
 * message is only the path). Every "cannot read/write/save FILE: ..." message of the driver and the runtime ends
 * with {@link #describe}; source text is read by {@link #readText}.
 */
public final class IoErrors {
    private IoErrors() {}

    /** A short lower-case reason, e.g. {@code no such file}, {@code is a directory}, {@code permission denied}. */
    public static String describe(IOException e) {
        return switch (e) {
            case NoSuchFileException x -> "no such file";
            case AccessDeniedException x -> "permission denied";
            case FileAlreadyExistsException x -> "it already exists";
            case NotDirectoryException x -> "not a directory";
            case DirectoryNotEmptyException x -> "the directory is not empty";
            case FileSystemException x -> x.getReason() != null ? lower(x.getReason()) : x.getClass().getSimpleName();
            default -> e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : lower(e.getMessage());
        };
    }

    private static String lower(String s) {
        return s.length() > 1 && Character.isUpperCase(s.charAt(0)) && Character.isLowerCase(s.charAt(1))
                ? s.substring(0, 1).toLowerCase(Locale.ROOT) + s.substring(1) : s;
    }

    /**
     * A UTF-8 text file without its byte-order mark (editors on Windows write one); a directory, a missing file or
     * bytes that are not UTF-8 fail with an IOException whose message is the reason in words.
     */
    public static String readText(Path file) throws IOException {
        if (Files.isDirectory(file)) throw new IOException("is a directory");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException(describe(e), e);
        }
        CharsetDecoder dec = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult r = dec.decode(in, out, true);
        if (!r.isError()) r = dec.flush(out);
        if (r.isError()) {
            int at = in.position(), line = 1;
            for (int i = 0; i < at; i++) if (bytes[i] == '\n') line++;
            throw new IOException("not valid UTF-8 at byte " + at + " (line " + line + "): save the file as UTF-8");
        }
        String text = out.flip().toString();
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }
}
