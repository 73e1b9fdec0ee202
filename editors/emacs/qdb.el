;;; qdb.el --- Debug Python programs with qdb under gud  -*- lexical-binding: t; -*-

;;; Commentary:

;; `M-x qdb' runs qdb-cli, qdb's terminal client, under gud, as `M-x pdb'
;; runs pdb: each stop puts gud's arrow on the source line, and the usual
;; gud keys drive the debugger.
;;
;; Load it with (load "/path/to/qdb/editors/emacs/qdb.el"), or put this
;; folder on `load-path' and (require 'qdb).
;;
;;   M-x qdb RET qdb-cli run script.py ARGS RET
;;       debug a script (the default command line names the current
;;       buffer's file);
;;   M-x qdb RET qdb-cli -w ws://HOST:8002/{uuid} -u UUID -a AUTH RET
;;       attach to a session already running on a qdb server.
;;
;; In a source buffer (C-x C-a prefix) or the *gud-...* buffer (C-c):
;; C-b break at this line, C-t tbreak, C-d clear, C-s step, C-n next,
;; C-f return, C-r continue, C-u until this line, C-j jump to this line,
;; < up, > down, C-p print the expression at point, C-e run it as a
;; statement, C-l show the current line again.
;;
;; qdb-cli sees TERM=dumb under Emacs, so it prints plain text and pdb's
;; `(qdb) ' prompt instead of editing the line itself.

;;; Code:

(require 'gud)

;; `gud-def' defines these only when `qdb' runs, so the compiler must be
;; told they will exist.
(declare-function gud-break     "gud" (arg))
(declare-function gud-tbreak    "gud" (arg))
(declare-function gud-remove    "gud" (arg))
(declare-function gud-step      "gud" (arg))
(declare-function gud-next      "gud" (arg))
(declare-function gud-cont      "gud" (arg))
(declare-function gud-finish    "gud" (arg))
(declare-function gud-until     "gud" (arg))
(declare-function gud-jump      "gud" (arg))
(declare-function gud-up        "gud" (arg))
(declare-function gud-down      "gud" (arg))
(declare-function gud-print     "gud" (arg))
(declare-function gud-statement "gud" (arg))

;; Named as gud names pdb's (`gud-pdb-command-name'), which also keeps
;; clear of the original qdb.el's `qdb-' names, so both can be loaded.
(defcustom gud-qdb-command-name "qdb-cli"
  "The qdb client that `qdb' proposes to run."
  :type 'string
  :group 'gud)

(defcustom gud-qdb-hook nil
  "Hook run by `qdb' once the debugger's buffer is set up."
  :type 'hook
  :group 'gud)

(defvar gud-qdb-history nil
  "Command lines given to `qdb'.")

(defun gud-qdb--default-command-line ()
  "The command line `qdb' proposes: the current buffer's file, if any."
  (if buffer-file-name
      (concat gud-qdb-command-name " run "
              (combine-and-quote-strings (list (file-relative-name buffer-file-name))))
    (or (car gud-qdb-history) (concat gud-qdb-command-name " run "))))

(defun gud-qdb--session-name (args)
  "The script that qdb-cli's ARGS run, or else the session they attach to."
  (let (uuid script)
    (while (and args (not script))
      (let ((word (pop args)))
        (cond ((member word '("-u" "--uuid")) (setq uuid (pop args)))
              ((member word '("-w" "--ws-address" "-a" "--auth-msg" "--python"))
               (pop args))
              ((or (string-prefix-p "-" word) (member word '("run" "attach"))))
              (t (setq script word)))))
    (file-name-nondirectory (or script uuid "qdb"))))

;;;###autoload
(defun qdb (command-line)
  "Run qdb-cli's COMMAND-LINE in a gud buffer to debug a Python program.

COMMAND-LINE is `qdb-cli run SCRIPT ARGS' to debug a script, or
`qdb-cli -w ADDRESS -u UUID -a AUTH' to attach to a session on a
qdb server.  It runs in the current buffer's directory."
  (interactive
   (list (read-from-minibuffer "Run qdb (like this): " (gud-qdb--default-command-line)
                               gud-minibuffer-local-map nil 'gud-qdb-history)))
  (let* ((words (split-string-and-unquote command-line))
         (args (cdr words))
         ;; gud takes the first word that is not an option for the program
         ;; file, expanding it as a file name and changing directory to
         ;; it: that would mangle `run' or a ws:// address.  It gets just
         ;; a name for its buffer, and the arguments go through as typed.
         (name (replace-regexp-in-string "\\$" "$$" (gud-qdb--session-name args) t t))
         (gud-chdir-before-run nil))
    (gud-common-init (combine-and-quote-strings (list (car words) name))
                     (lambda (_file _args) args)
                     #'gud-pdb-marker-filter))
  ;; qdb-cli prints pdb's stop lines and takes pdb's commands, so gud's
  ;; pdb menus and tooltips are right for it.
  (setq-local gud-minor-mode 'pdb)

  (gud-def gud-break  "break %d%f:%l"  "\C-b" "Set breakpoint at current line.")
  (gud-def gud-tbreak "tbreak %d%f:%l" "\C-t" "Set temporary breakpoint at current line.")
  (gud-def gud-remove "clear %d%f:%l"  "\C-d" "Remove breakpoint at current line.")
  (gud-def gud-step   "step"           "\C-s" "Step one source line with display.")
  (gud-def gud-next   "next"           "\C-n" "Step one line (skip functions).")
  (gud-def gud-cont   "continue"       "\C-r" "Continue with display.")
  (gud-def gud-finish "return"         "\C-f" "Finish executing current function.")
  (gud-def gud-until  "until %l"       "\C-u" "Continue to current line.")
  (gud-def gud-jump   "jump %l"        "\C-j" "Set execution address to current line.")
  (gud-def gud-up     "up"             "<"    "Up one stack frame.")
  (gud-def gud-down   "down"           ">"    "Down one stack frame.")
  (gud-def gud-print  "p %e"           "\C-p" "Evaluate Python expression at point.")
  (gud-def gud-statement "!%e"         "\C-e" "Execute Python statement at point.")

  (when (and (fboundp 'gud-set-repeat-map-property) (boundp 'gud-pdb-repeat-map))
    (gud-set-repeat-map-property 'gud-pdb-repeat-map))

  (setq comint-prompt-regexp "^(qdb) *")
  (setq paragraph-start comint-prompt-regexp)
  (run-hooks 'gud-qdb-hook))

(provide 'qdb)

;;; qdb.el ends here
