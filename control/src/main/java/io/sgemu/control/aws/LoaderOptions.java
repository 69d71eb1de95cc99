package io.sgemu.control.aws;

/**
 * How strictly to load a world.
 *
 * @param strictQuotas treat AWS quota excesses (SEMANTICS.md section 2) as errors instead of warnings
 */
public record LoaderOptions(boolean strictQuotas) {
    public static final LoaderOptions DEFAULT = new LoaderOptions(false);
}
