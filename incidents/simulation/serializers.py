from rest_framework import serializers

from incidents.simulation.models import AttackSimulation, AttackType, Intensity
from incidents.simulation.services import estimated_duration_s


class SimulationInputSerializer(serializers.Serializer):
    attack_type = serializers.ChoiceField(choices=AttackType.choices)
    target = serializers.RegexField(
        r"^[A-Za-z0-9._:-]{1,200}$",
        help_text="A host name or address the simulated attack aims at (e.g. auth_server).",
    )
    intensity = serializers.ChoiceField(choices=Intensity.choices, default=Intensity.MEDIUM)


class SimulationThreatSerializer(serializers.Serializer):
    threat_id = serializers.CharField(source="human_id")
    type = serializers.CharField(source="threat_type")
    severity = serializers.CharField()
    confidence = serializers.FloatField()
    mitre_attack = serializers.ListField(source="mitre_techniques", child=serializers.CharField())
    incident_id = serializers.SerializerMethodField()

    def get_incident_id(self, threat) -> str | None:
        return threat.incident.human_id if threat.incident_id else None


class SimulationOutputSerializer(serializers.ModelSerializer):
    simulation_id = serializers.CharField(source="human_id")
    estimated_duration_s = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = AttackSimulation
        fields = [
            "id",
            "simulation_id",
            "attack_type",
            "target",
            "intensity",
            "source_ip",
            "status",
            "estimated_duration_s",
            "progress",
            "events_planned",
            "events_sent",
            "threats_detected",
            "finding",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_estimated_duration_s(self, simulation) -> int:
        return estimated_duration_s(simulation)

    def get_progress(self, simulation) -> float:
        """0 to 1: events sent, then detection done."""
        if simulation.status in ("completed", "failed"):
            return 1.0
        if not simulation.events_planned:
            return 0.0
        return round(0.9 * simulation.events_sent / simulation.events_planned, 3)


class SimulationDetailSerializer(SimulationOutputSerializer):
    threats = serializers.SerializerMethodField()

    class Meta(SimulationOutputSerializer.Meta):
        fields = [*SimulationOutputSerializer.Meta.fields, "threats"]

    def get_threats(self, simulation) -> list[dict]:
        from incidents.simulation.services import simulation_threats

        return SimulationThreatSerializer(simulation_threats(simulation), many=True).data  # type: ignore[return-value]
