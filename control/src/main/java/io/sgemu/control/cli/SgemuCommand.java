package io.sgemu.control.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sgemu} command. Exit codes: 0 done; 1 the replay finished but something was not as asked
 * (e.g. the capture was cut short); 2 bad input (world, changes, capture, options); 3 internal error.
 */
@Command(name = "sgemu", mixinStandardHelpOptions = true, versionProvider = SgemuCommand.Version.class,
        description = {
            "Emulates AWS VPC security groups, network ACLs and flow logs on captured or synthetic traffic.",
            "",
            "The world comes from the JSON that the AWS CLI prints (describe-security-groups, "
                + "describe-network-interfaces, describe-network-acls, describe-subnets, describe-vpcs, "
                + "describe-managed-prefix-lists), or from sgemu's short YAML format.",
        },
        subcommands = {ReplayCommand.class, CheckCommand.class, ExplainCommand.class, DiffCommand.class, SynthCommand.class,
            GenCommand.class, ServeCommand.class, LoadCommand.class, CommandLine.HelpCommand.class})
public final class SgemuCommand implements Runnable {

    public static final int EXIT_INCOMPLETE = 1;
    public static final int EXIT_BAD_INPUT = 2;
    public static final int EXIT_INTERNAL = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the command with the given streams and answers the exit code (used by tests too). */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new SgemuCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(t -> t instanceof UserInputException ? EXIT_BAD_INPUT : EXIT_INTERNAL);
        cl.setParameterExceptionHandler((ex, a) -> {
            ex.getCommandLine().getErr().println("sgemu: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            if (ex instanceof UserInputException) {
                commandLine.getErr().println("sgemu: " + ex.getMessage());
                return EXIT_BAD_INPUT;
            }
            commandLine.getErr().println("sgemu: internal error: " + ex);
            for (StackTraceElement e : ex.getStackTrace()) {
                commandLine.getErr().println("    at " + e);
            }
            commandLine.getErr().println("This is a bug in sgemu; please report it with the command line above.");
            return EXIT_INTERNAL;
        });
        int code;
        try {
            code = cl.execute(args);
        } catch (OutOfMemoryError e) {
            // Not a bug and not bad input: the JVM was given too little heap or direct memory for this run.
            err.println("sgemu: out of memory: " + e.getMessage());
            err.println("sgemu: give the JVM more (SGEMU_JAVA_OPTS='-Xmx4g -XX:MaxDirectMemorySize=4g' for scripts/sgemu), "
                    + "or ask for less (--conntrack-capacity).");
            code = EXIT_INTERNAL;
        }
        out.flush();
        err.flush();
        return code;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = SgemuCommand.class.getPackage().getImplementationVersion();
            return new String[] {"sgemu " + (v == null ? "(development build)" : v)};
        }
    }
}
