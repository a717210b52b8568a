package main

import (
	"github.com/spf13/cobra"
)

func newCompletionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "completion bash|zsh|fish",
		Short: "Print a shell completion script",
		Long: `Print the script that makes your shell complete concert's commands, flags
and session names.

  bash: concert completion bash > ~/.local/share/bash-completion/completions/concert
  zsh:  concert completion zsh > "${fpath[1]}/_concert"
  fish: concert completion fish > ~/.config/fish/completions/concert.fish

Open a new shell afterwards.`,
		ValidArgs: []string{"bash", "zsh", "fish"},
		Args: func(cmd *cobra.Command, a []string) error {
			if err := args(1, 1, "bash|zsh|fish")(cmd, a); err != nil {
				return err
			}
			switch a[0] {
			case "bash", "zsh", "fish":
				return nil
			}
			return usageErrorf("unknown shell %q; usage: %s bash|zsh|fish", a[0], cmd.CommandPath())
		},
		RunE: func(cmd *cobra.Command, a []string) error {
			root, out := cmd.Root(), cmd.OutOrStdout()
			switch a[0] {
			case "bash":
				return root.GenBashCompletionV2(out, true)
			case "zsh":
				return root.GenZshCompletion(out)
			default:
				return root.GenFishCompletion(out, true)
			}
		},
	}
}
