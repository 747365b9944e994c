"""What a run is made of (model, task, training), as the window applies it to a Trainer."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from rnnviz.engine.spec import ModelSpec, SpecError
from rnnviz.engine.surface_view import SurfaceView, resolve_params
from rnnviz.engine.train_config import TrainConfig


@dataclass(frozen=True)
class RunSettings:
    """Plain data for one run. ``weights``: hand-set initial weights of a preset; they (and
    ``config.freeze``) only make sense for the preset's model, so edits drop them."""

    spec: ModelSpec
    task_kind: str
    task_options: dict = field(default_factory=dict)
    config: TrainConfig = field(default_factory=TrainConfig)
    weights: dict | None = None
    preset_name: str | None = None
    title: str = ""
    description: str = ""
    #: compare mode: overrides for a second run trained in lockstep on the same task and seed,
    #: e.g. {"label": "LSTM", "model": {"kind": "lstm"}, "train": {...}, "keep_weights": false}
    compare: dict | None = None
    #: panels the window brings to the front when the preset opens (not kept in sessions)
    show: tuple[str, ...] = ()
    #: the preset's walk-through, one caption per time step (not kept in sessions)
    tour: tuple[str, ...] = ()
    #: the loss surface panel's first view (kept in sessions; None: the auto plane)
    surface: SurfaceView | None = None

    @classmethod
    def from_preset(cls, preset) -> RunSettings:
        return cls(
            spec=preset.model,
            task_kind=preset.task_kind,
            task_options=dict(preset.task_options),
            config=preset.train,
            weights=preset.weights,
            preset_name=preset.name,
            title=preset.title,
            description=preset.description,
            compare=preset.compare,
            show=preset.show,
            tour=preset.tour,
            surface=preset.surface,
        )

    def make_task(self):
        from rnnviz.engine.tasks import make_task

        return make_task(self.task_kind, seed=self.config.seed, **self.task_options)

    def make_trainer(self):
        """A Trainer for these settings; raises SpecError with a readable reason."""
        from rnnviz.engine.trainer import Trainer

        trainer = Trainer(self.spec, self.make_task(), self.config, weights=self.weights)
        if self.surface is not None and self.surface.params:
            # a surface view naming what the model lacks is refused; the check lists every
            # trained scalar by name (millions of strings for a big model), so only then
            self.surface_params(trainer)
        return trainer

    def surface_params(self, trainer) -> tuple[int, int]:
        """The exact plane's two parameters (flat indices into ``trainer.params``) that the
        surface view names ((0, 1) without any); SpecError when the model lacks one."""
        from rnnviz.engine.surface_view import scalar_labels_of

        return resolve_params(self.surface, scalar_labels_of(trainer.params))

    @property
    def compare_label(self) -> str:
        return (self.compare or {}).get("label", "second run")

    def make_compare_trainer(self):
        """The second run of compare mode (or None); raises SpecError like make_trainer."""
        from rnnviz.engine.trainer import Trainer

        if not self.compare:
            return None
        spec = replace(self.spec, **self.compare.get("model", {}))
        if spec.kind != self.spec.kind and spec.kind in ("jordan", "scrn"):
            spec = replace(spec, num_layers=1, bidirectional=False)
        if spec.kind != "lstm":
            spec = replace(spec, peephole=False, forget_gate=True)
        config = replace(self.config, **self.compare.get("train", {}))
        same_model = spec == self.spec
        weights = self.weights if same_model and self.compare.get("keep_weights") else None
        if not same_model:
            config = replace(config, freeze=())
        return Trainer(spec, self.make_task(), config, weights=weights)

    def edited(
        self,
        spec: ModelSpec,
        task_kind: str,
        task_options: dict,
        config: TrainConfig,
        model_changed: bool,
    ) -> RunSettings:
        """These settings with the user's edits. A changed model or task drops the preset's
        hand-set weights and frozen parameters (they belong to the preset's model)."""
        keep = not model_changed and task_kind == self.task_kind
        return replace(
            self,
            spec=self.spec if keep else spec,
            task_kind=task_kind,
            task_options=dict(task_options),
            config=config if keep else replace(config, freeze=()),
            weights=self.weights if keep else None,
            preset_name=self.preset_name if keep else None,
            tour=self.tour if keep else (),  # its captions tell of the preset's model
            # two named parameters belong to the preset's model; the other planes fit any
            surface=self.surface if keep or not (self.surface and self.surface.params) else None,
        )

    # -- plain data (session files) --------------------------------------------------------
    def to_dict(self) -> dict:
        """JSON-able except ``weights`` (name -> array), which the caller stores as arrays."""
        return {
            "model": self.spec.to_dict(),
            "task": {"kind": self.task_kind, **self.task_options},
            "train": self.config.to_dict(),
            "weights": self.weights,
            "preset_name": self.preset_name,
            "title": self.title,
            "description": self.description,
            "compare": self.compare,
            "surface": self.surface.to_dict() if self.surface is not None else None,
        }

    @classmethod
    def from_dict(cls, data: dict) -> RunSettings:
        """Settings from ``to_dict``'s data, validated like a preset (SpecError naming the
        field when something does not fit)."""
        from rnnviz.engine.presets import preset_from_dict

        if not isinstance(data, dict):
            raise SpecError("the saved settings are not an object")
        name = data.get("preset_name")
        preset = preset_from_dict(
            name or "saved settings",
            {
                "title": data.get("title", ""),
                "description": data.get("description", ""),
                "model": data.get("model", {}),
                "task": data.get("task"),
                "train": data.get("train", {}),
                "weights": data.get("weights"),
                "compare": data.get("compare"),
                "surface": data.get("surface"),  # files written before it have none
            },
        )
        return replace(cls.from_preset(preset), preset_name=name)
