from rnnviz.cli import main

# guarded: the training process is started with spawn, which re-imports the main module
if __name__ == "__main__":
    raise SystemExit(main())
